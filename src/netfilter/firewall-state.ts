/**
 * A host's firewall as the kernel holds it: one state per framework and address family.
 * iptables-nft and iptables-legacy print the same iptables-save text but hook apart;
 * nftables' native tables (firewalld's, a distribution's `inet filter`, Docker 29's) have
 * a shape of their own. Backends read and compare these; steps name rows of each.
 *
 * Pure data and small helpers, no I/O.
 */

import type { Family } from './address/index.ts';
import type { NftFamily, NftRuleset } from './nft/types.ts';
import { emptyRuleset } from './ruleset/index.ts';
import type { CounterDelta, Ruleset } from './types.ts';

export type FirewallFramework = 'iptables-nft' | 'iptables-legacy' | 'nftables';
export type IptablesFramework = Exclude<FirewallFramework, 'nftables'>;
/** The address family of an iptables state (the address module's `Family`). */
export type IpFamily = Family;

/** iptables (either backend) of one address family: what iptables-save prints. */
export interface IptablesState {
  framework: IptablesFramework;
  family: IpFamily;
  ruleset: Ruleset;
  /**
   * Built-in chains ("filter/INPUT") that exist in the kernel and count although empty.
   * iptables-nft registers a built-in only once it has a rule or a non-ACCEPT policy
   * (HostState.nftLazyBuiltinChains), except those an iptables-restore named (iptables-nft
   * 1.8.9 creates the filter table's built-ins a dump names, a nat built-in only once it
   * holds a rule; measured on a DinD host). Each family registers its own: an IPv6 flow
   * meets no ip6 nat POSTROUTING while only iptables' holds a rule (measured on a 28.5
   * DinD host). An IPv6 entry without a list of its own uses the IPv4 entry's (a host
   * restored from one IPv4 dump that later got ip6tables rules). Only the packet path reads it.
   */
  materializedBuiltins?: string[];
}

/** Native nft tables, iptables-nft's own left out; each table names its own family (ip, ip6, inet …). */
export interface NftablesState {
  framework: 'nftables';
  ruleset: NftRuleset;
}

export type FirewallState = IptablesState | NftablesState;

/**
 * Everything a host's firewall holds, at most one entry per framework and family:
 * iptables-nft IPv4 first, the others where the host has them. The packet path walks
 * the one of the packet's family (HostState.firewall), backends read and compare them.
 */
export type HostFirewallState = FirewallState[];

/** What one native nft rule counted. `text` is the rule as `nft list` prints it, without its counter or handle. */
export interface NftCounterRow {
  family: NftFamily;
  table: string;
  chain: string;
  /** 1-based position in its chain. */
  rule: number;
  text: string;
  packets: number;
  bytes: number;
}

export type CounterSet =
  | { framework: IptablesFramework; family: IpFamily; rows: CounterDelta[] }
  | { framework: 'nftables'; rows: NftCounterRow[] };

/** Deltas since the counters were last zeroed, on every framework the host has. */
export type HostCounters = CounterSet[];

/** The iptables ruleset of one framework and family; an empty filter/nat ruleset when the host has none. */
export function iptablesOf(
  firewall: HostFirewallState,
  framework: IptablesFramework = 'iptables-nft',
  family: IpFamily = 'ipv4',
): Ruleset {
  const found = firewall.find((s): s is IptablesState => s.framework === framework && s.family === family);
  return found?.ruleset ?? emptyRuleset(['filter', 'nat']);
}

/** The native nft tables, if the host has any. */
export function nftablesOf(firewall: HostFirewallState): NftRuleset | undefined {
  return firewall.find((s): s is NftablesState => s.framework === 'nftables')?.ruleset;
}

/** The entry of one iptables framework and family, if the host has it (live: the packet path counts on it). */
export function iptablesStateOf(
  firewall: HostFirewallState,
  framework: IptablesFramework = 'iptables-nft',
  family: IpFamily = 'ipv4',
): IptablesState | undefined {
  return firewall.find((s): s is IptablesState => s.framework === framework && s.family === family);
}

/** Puts an iptables entry in place of the one of its framework and family, or after the others. */
export function setIptables(firewall: HostFirewallState, entry: IptablesState): void {
  const at = firewall.findIndex((s) => s.framework === entry.framework && s.family === entry.family);
  if (at < 0) firewall.push(entry);
  else firewall[at] = entry;
}

/** Puts the native nft tables in place of the host's, or after the other entries. */
export function setNftables(firewall: HostFirewallState, ruleset: NftRuleset): void {
  const at = firewall.findIndex((s) => s.framework === 'nftables');
  const entry: NftablesState = { framework: 'nftables', ruleset };
  if (at < 0) firewall.push(entry);
  else firewall[at] = entry;
}

/** The built-ins of iptables-nft's tables of one family that count although empty (IptablesState.materializedBuiltins). */
export function materializedBuiltinsOf(firewall: HostFirewallState, family: IpFamily): readonly string[] {
  const own = iptablesStateOf(firewall, 'iptables-nft', family)?.materializedBuiltins;
  if (own !== undefined || family === 'ipv4') return own ?? [];
  return iptablesStateOf(firewall, 'iptables-nft', 'ipv4')?.materializedBuiltins ?? [];
}

export function iptablesCountersOf(
  counters: HostCounters,
  framework: IptablesFramework = 'iptables-nft',
  family: IpFamily = 'ipv4',
): CounterDelta[] {
  for (const set of counters) {
    if (set.framework === framework && set.family === family) return set.rows;
  }
  return [];
}

export function nftCountersOf(counters: HostCounters): NftCounterRow[] {
  for (const set of counters) if (set.framework === 'nftables') return set.rows;
  return [];
}

/**
 * A rule's text as its counter row is named: without `counter` (with or without values)
 * and without `# handle N`, blanks collapsed. Quoted strings (comments) are kept whole.
 */
export function nftRowText(ruleText: string): string {
  const parts = ruleText.split(/("(?:[^"\\]|\\.)*")/);
  const cleaned = parts.map((part, i) =>
    i % 2 === 1
      ? part
      : part
          .replace(/#\s*handle\s+\d+\s*$/, '')
          .replace(/(^|\s)counter(?:\s+packets\s+\d+\s+bytes\s+\d+)?(?=\s|$)/g, '$1'),
  );
  return cleaned.join('').replace(/\s+/g, ' ').trim();
}

/** How steps and reports name a native rule: `inet filter forward: ct state new accept`. */
export function nftRowLabel(row: Pick<NftCounterRow, 'family' | 'table' | 'chain' | 'text'>): string {
  return `${row.family} ${row.table} ${row.chain}: ${nftRowText(row.text)}`;
}

/** A `FAMILY TABLE CHAIN: RULE` label taken apart; undefined when the text is not one. */
export function parseNftRowLabel(
  label: string,
): { family: NftFamily; table: string; chain: string; text: string } | undefined {
  const m = /^(ip|ip6|inet|arp|bridge|netdev)\s+([\w.-]+)\s+([\w.-]+):\s*(.*)$/.exec(label.trim());
  if (!m) return undefined;
  const [, family, table, chain, text] = m as unknown as [string, NftFamily, string, string, string];
  return { family, table, chain, text: nftRowText(text) };
}
