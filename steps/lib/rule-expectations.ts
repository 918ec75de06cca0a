/**
 * Rules a step names by their text: which table holds one, and what it counted in the
 * last traffic step (iptables and ip6tables rules, native nft rules). Kept apart from
 * steps/world.ts because it is about reading a ruleset and judging counters, not about
 * the per-scenario state; the World's methods of the same names call these.
 */
import {
  type HostFirewallState,
  iptablesCountersOf,
  iptablesOf,
} from '../../src/netfilter/firewall-state.ts';
import { describeNftDeltas, type NftRuleName, nftCounterFor, nftLabel } from './nft-lines.ts';
import type { Observation } from './observation.ts';
import {
  counterFor,
  describeDeltas,
  expectedCounts,
  parseTableCell,
  type TableRef,
  tableLabel,
  tablesHoldingRule,
} from './rule-lines.ts';

/** What these checks need of the World (steps/world.ts), structurally: no import of it. */
export interface NamesRules {
  withNetworks(text: string): string;
  lastObservation(): Observation;
  firewall(): Promise<HostFirewallState>;
  fail(detail: string, cause?: unknown): never;
}

/**
 * The table a rule lives in: explicit (`nat`, `ip6 nat`), or the one table holding it —
 * iptables' tables first (IPv4 scenarios read as before), then ip6tables' (a rule only
 * IPv6 has, `-d fd00:1::2/128`). A rule both families hold is iptables' unless the step
 * says `ip6 …`.
 */
export async function tableOf(world: NamesRules, written: string, explicit?: string): Promise<TableRef> {
  const rule = world.withNetworks(written);
  if (explicit) {
    return (
      parseTableCell(explicit) ??
      world.fail(
        `"${explicit}" is not an iptables table (raw, mangle, nat, filter, security; "ip6 filter" for ip6tables)`,
      )
    );
  }
  const firewall = await world.firewall(); // one read of the host for both families
  for (const family of ['ipv4', 'ipv6'] as const) {
    const tables = tablesHoldingRule(iptablesOf(firewall, 'iptables-nft', family), rule);
    if (tables.length === 1 && tables[0]) return { family, table: tables[0] };
    if (tables.length > 1) {
      const names = tables.map((table) => tableLabel({ family, table }));
      world.fail(`the rule "${rule}" is in tables ${names.join(' and ')}; add "in table …" to say which`);
    }
  }
  return world.fail(
    `no table holds the rule "${rule}"; check its text against iptables-save / ip6tables-save (or add "in table nat")`,
  );
}

/** Assert one rule's (or policy's) delta in the last traffic step. */
export function expectCounted(
  world: NamesRules,
  ref: TableRef,
  written: string,
  packets: number,
  bytes?: number,
): void {
  const line = world.withNetworks(written);
  const o = world.lastObservation();
  const { table, family } = ref;
  const deltas = family === 'ipv4' ? o.counters : iptablesCountersOf(o.hostCounters, 'iptables-nft', 'ipv6');
  const got = counterFor(deltas, table, line);
  // Extra ACKs the real kernel chose to send are not part of the recorded flow (IPv4 flows only so far).
  const extra = counterFor(family === 'ipv4' ? (o.twin?.timingExtra ?? []) : [], table, line);
  const want = expectedCounts({ packets, ...(bytes === undefined ? {} : { bytes }) }, extra);
  const ok = got.packets === want.packets && (want.bytes === undefined || got.bytes === want.bytes);
  if (!ok) {
    const wantText =
      want.bytes === undefined
        ? `${want.packets} packets`
        : `${want.packets} packets and ${want.bytes} bytes`;
    const because =
      extra.packets > 0 ? `${packets} of the flow + ${extra.packets} timing-dependent ACKs` : '';
    world.fail(
      `${tableLabel(ref)}: "${line}" counted ${got.packets} packets and ${got.bytes} bytes during ${o.description}; expected ${wantText}${because ? ` (${because})` : ''}.\n` +
        `Deltas of that step${family === 'ipv6' ? ' (ip6tables)' : ''}:\n${describeDeltas(deltas)}`,
    );
  }
}

/** Assert one native nft rule's delta in the last traffic step. */
export function expectNftCounted(
  world: NamesRules,
  rule: NftRuleName,
  packets: number,
  bytes?: number,
): void {
  const o = world.lastObservation();
  const got = nftCounterFor(o.nftCounters, rule);
  const extra = nftCounterFor(o.twin?.timingExtra ?? [], rule);
  const want = expectedCounts({ packets, ...(bytes === undefined ? {} : { bytes }) }, extra);
  if (got.packets === want.packets && (want.bytes === undefined || got.bytes === want.bytes)) return;
  const wantText =
    want.bytes === undefined ? `${want.packets} packets` : `${want.packets} packets and ${want.bytes} bytes`;
  world.fail(
    `${nftLabel(rule)} counted ${got.packets} packets and ${got.bytes} bytes during ${o.description}; expected ${wantText}.\n` +
      `Native nft deltas of that step:\n${describeNftDeltas(o.nftCounters)}`,
  );
}
