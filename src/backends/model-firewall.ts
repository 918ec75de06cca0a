/**
 * The model host's firewall on every framework: Docker's iptables-nft tables live in
 * the daemon model (HostState.firewall's iptables-nft entries); iptables-legacy's tables
 * and native nft tables that host commands or a snapshot brought live here, and are put
 * into the live host state runFlow walks. Reading and zeroing cover all three, as on a
 * real host.
 */
import { countersOf } from '../compare/counter-deltas.ts';
import {
  type HostCounters,
  type HostFirewallState,
  iptablesOf,
  iptablesStateOf,
  nftablesOf,
  setIptables,
  setNftables,
} from '../netfilter/firewall-state.ts';
import type { FirewalldModel } from '../netfilter/firewalld/firewalld.ts';
import type { HostState } from '../netfilter/host-types.ts';
import type { NftRuleset } from '../netfilter/nft/types.ts';
import { nftCounterRows, zeroNftCounters } from '../netfilter/nft-counters.ts';
import { cloneRuleset, zeroCounters } from '../netfilter/ruleset/index.ts';
import type { Ruleset } from '../netfilter/types.ts';
import { initialUfwState, type UfwState } from '../netfilter/ufw/state.ts';

export class ModelFirewall {
  /** iptables-legacy's tables (`iptables-legacy …`): Docker's model never sees them. */
  legacy: Ruleset | undefined;
  /** Native nft tables (`nft …`, or a snapshot's): walked by priority beside iptables'. */
  nft: NftRuleset | undefined;
  /** ufw's configuration (`ufw …` host commands); its rules live in the iptables tables. */
  ufw: UfwState | undefined;
  /** firewalld on a host started with it: its table lives in `nft` (src/netfilter/firewalld). */
  firewalld: FirewalldModel | undefined;

  /** Into the live state runFlow walks. */
  attach(state: HostState): void {
    if (this.legacy)
      setIptables(state.firewall, { framework: 'iptables-legacy', family: 'ipv4', ruleset: this.legacy });
    if (this.nft) setNftables(state.firewall, this.nft);
  }

  /** The legacy tables, made on first use as the first `iptables-legacy` command makes them. */
  legacyTables(): Ruleset {
    this.legacy ??= { tables: [] };
    return this.legacy;
  }

  /** ufw as installed: disabled, default policies, no rules (made on the first `ufw` command). */
  ufwState(): UfwState {
    this.ufw ??= initialUfwState();
    return this.ufw;
  }

  nftTables(): NftRuleset {
    this.nft ??= { tables: [] };
    return this.nft;
  }

  zero(state: HostState): void {
    zeroCounters(iptablesOf(state.firewall));
    const ip6 = iptablesStateOf(state.firewall, 'iptables-nft', 'ipv6');
    if (ip6) zeroCounters(ip6.ruleset);
    if (this.legacy) zeroCounters(this.legacy);
    // Docker 29's own `ip docker-bridges` (nftables backend) when no scenario table replaced it.
    const nft = this.nft ?? nftablesOf(state.firewall);
    if (nft) zeroNftCounters(nft);
  }

  read(state: HostState): HostFirewallState {
    const firewall: HostFirewallState = [
      { framework: 'iptables-nft', family: 'ipv4', ruleset: cloneRuleset(iptablesOf(state.firewall)) },
    ];
    // ip6tables' tables exist once Docker (or a host command) wrote an IPv6 rule: IPv4-only hosts read as before.
    const ip6 = iptablesStateOf(state.firewall, 'iptables-nft', 'ipv6');
    if (ip6) {
      firewall.push({ framework: 'iptables-nft', family: 'ipv6', ruleset: cloneRuleset(ip6.ruleset) });
    }
    if (this.legacy?.tables.length) {
      firewall.push({ framework: 'iptables-legacy', family: 'ipv4', ruleset: cloneRuleset(this.legacy) });
    }
    const nft = this.nft ?? nftablesOf(state.firewall);
    if (nft?.tables.length) firewall.push({ framework: 'nftables', ruleset: structuredClone(nft) });
    return firewall;
  }

  /** What counted since zero(): the rows a real host's reads would show. */
  counters(state: HostState): HostCounters {
    const counters: HostCounters = [
      { framework: 'iptables-nft', family: 'ipv4', rows: countersOf(iptablesOf(state.firewall)) },
    ];
    const ip6 = iptablesStateOf(state.firewall, 'iptables-nft', 'ipv6');
    if (ip6) {
      counters.push({ framework: 'iptables-nft', family: 'ipv6', rows: countersOf(ip6.ruleset) });
    }
    if (this.legacy?.tables.length) {
      counters.push({ framework: 'iptables-legacy', family: 'ipv4', rows: countersOf(this.legacy) });
    }
    const nft = this.nft ?? nftablesOf(state.firewall);
    if (nft?.tables.length) counters.push({ framework: 'nftables', rows: nftCounterRows(nft) });
    return counters;
  }
}
