/**
 * Which firewall backend a daemon writes its rules with (moby's newFirewaller): none with
 * `--iptables=false`, else the iptables backend (every version so far; 29.x's
 * `--firewall-backend=nftables` adds the other).
 */
import { DaemonOptionError, type DaemonOptions } from './daemon-options.ts';
import type { Firewall, FirewallConfig } from './firewall.ts';
import { IptablesFirewall } from './iptables-firewall.ts';
import { NftablesFirewall } from './nftables/nftables-firewall.ts';

export function createFirewall(daemon: DaemonOptions, config: FirewallConfig): Firewall | undefined {
  if (!daemon.iptables) return undefined;
  const backends = config.profile.firewallBackends;
  if (daemon.firewallBackend !== undefined && backends.length < 2) {
    // dockerd before 29.0 has no --firewall-backend flag at all.
    throw new DaemonOptionError(
      `--firewall-backend=${daemon.firewallBackend}`,
      `Docker ${config.profile.version} has no such option (29.x chooses between iptables and nftables)`,
    );
  }
  if ((daemon.firewallBackend ?? backends[0]) === 'nftables') return new NftablesFirewall(config);
  return new IptablesFirewall(config);
}
