/**
 * How dockerd starts: the options a model host is started with, and what the daemon does
 * to the host each time it starts — at boot, on `systemctl restart docker`, after a
 * reboot: forwarding on (and FORWARD made to drop), its base chains, the stored networks
 * restored in the real host's order, the default bridge made anew. Kept apart from
 * daemon-model.ts, the daemon's public surface: this sequence is what boot, restart and
 * reboot share.
 */
import type { HostInterface } from '../netfilter/host-types.ts';
import { legacyIpv6ForwardDrop } from './daemon-ipv6.ts';
import { createDefaultBridge, deleteNetworkState, orderNetworks, programNetwork } from './daemon-networks.ts';
import {
  type ContainerState,
  type DaemonState,
  DockerModelError,
  type HostBaseline,
  type NetworkState,
} from './daemon-state.ts';
import type { Firewall, FirewallConfig } from './firewall.ts';
import type { IptablesRunner } from './ip-table.ts';

export interface DockerStartOptions {
  version: string;
  daemonOptions?: string[];
  uplink?: HostInterface;
  /** The uplink's IPv4 default router (default 192.168.70.1); null: no default route. */
  defaultVia?: string | null;
  /** The uplink's IPv6 default router (a `::/0` route), when the uplink has an IPv6 address. */
  defaultVia6?: string;
  baseline?: HostBaseline;
  /** Embedded-DNS ports of the dind baseline (random on real hosts). */
  dnsPorts?: { tcp: number; udp: number };
  /** Seed for the generated network and container ids. */
  seed?: number;
  /** net.ipv4.ip_forward before dockerd starts (a DinD host has it on already). Default '1'. */
  initialIpForward?: '0' | '1';
  /** The iptables interpreter; defaults to runIptables from src/netfilter/iptables. */
  iptables?: IptablesRunner;
  /**
   * Builds Docker's firewall backend (a test's stand-in, used even with --iptables=false);
   * by default the daemon options select one (firewall-select.ts).
   */
  firewall?: (config: FirewallConfig) => Firewall;
}

export const DEFAULT_UPLINK: HostInterface = {
  name: 'eth0',
  kind: 'ether',
  addresses: [{ address: '192.168.70.6', prefix: 24 }],
  up: true,
};

/**
 * dockerd starting on the host as it is now. `ip6tables`: Docker writes ip6tables rules
 * (daemon-ipv6.ts); `restoreOrder`: the real host's order of the stored networks (Go map
 * order), else the order they were created in.
 */
export function startDaemon(s: DaemonState, ip6tables: boolean, restoreOrder?: readonly string[]): void {
  s.pools.reset();
  s.reloadRegistrations.length = 0;
  s.firewall?.setupBaseChains();
  if (s.daemon.ipForward && s.sysctls['net.ipv4.ip_forward'] !== '1') {
    if (s.firewall && !s.firewall.filterForwardDrop) {
      // moby checkIPv4Forwarding: a backend that cannot drop others' forwarding leaves it off.
      throw new DockerModelError(
        "IPv4 forwarding is disabled: check your host's firewalling and set sysctl net.ipv4.ip_forward=1, " +
          'or disable this check using daemon option --ip-forward=false',
      );
    }
    s.sysctls['net.ipv4.ip_forward'] = '1';
    // Docker turns forwarding on and, to stay safe, makes forwarding drop by default
    // (28.x: unless --ip-forward-no-drop).
    if (!s.daemon.ipForwardNoDrop) s.firewall?.filterForwardDrop?.();
  }
  legacyIpv6ForwardDrop(s, ip6tables);
  // Restore the stored bridge networks (their order on a real host is Go map order).
  const order = restoreOrder ? orderNetworks(s, restoreOrder) : [...s.networks];
  const restored: NetworkState[] = [];
  for (const n of order) {
    programNetwork(s, n, restored);
    restored.push(n);
  }
  s.firewall?.arrangeUserChain('controller-start');
  const stale = s.networks.find((n) => n.isDefault);
  if (stale) deleteNetworkState(s, stale);
  createDefaultBridge(s);
}

/** The running containers dockerd starts again after a restart or a reboot. */
export function restartPolicyContainers(s: DaemonState): ContainerState[] {
  return s.containers.filter(
    (c) => c.running && (c.restartPolicy === 'always' || c.restartPolicy === 'unless-stopped'),
  );
}
