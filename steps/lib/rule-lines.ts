/**
 * Rules as people write them in features: `-A CHAIN spec` lines, exactly as
 * iptables-save prints them. Helpers to find them in a ruleset and in counter deltas.
 */
import type { IpFamily } from '../../src/netfilter/firewall-state.ts';
import type { CounterDelta, Counters, Ruleset, TableName } from '../../src/netfilter/types.ts';

/** One iptables table of one family: `filter` (iptables), `ip6 filter` (ip6tables). */
export interface TableRef {
  family: IpFamily;
  table: TableName;
}

const TABLES: readonly TableName[] = ['raw', 'mangle', 'nat', 'filter', 'security'];

/**
 * A table as a feature names it: `nat` or `ip nat` (iptables), `ip6 nat` (ip6tables) —
 * nft's family words, so a counter table's cell reads like `nft list ruleset`.
 * Undefined when the text names no table (the caller says what to write).
 */
export function parseTableCell(text: string): TableRef | undefined {
  const m = /^(?:(ip|ip6)\s+)?(\w+)$/.exec(text.trim());
  if (!m || !TABLES.includes(m[2] as TableName)) return undefined;
  return { family: m[1] === 'ip6' ? 'ipv6' : 'ipv4', table: m[2] as TableName };
}

/** `nat`, `ip6 nat`: how messages name a table (IPv4 as before). */
export function tableLabel(ref: TableRef): string {
  return ref.family === 'ipv6' ? `ip6 ${ref.table}` : ref.table;
}

/** Collapse runs of blanks so a hand-written line compares equal to iptables-save's. */
export function normalizeRuleLine(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}

/** `-A CHAIN …` for every rule of one table, in iptables-save order. */
export function tableRuleLines(ruleset: Ruleset, table: TableName): string[] {
  const t = ruleset.tables.find((x) => x.name === table);
  if (!t) return [];
  return t.chains.flatMap((chain) =>
    chain.rules.map((rule) => normalizeRuleLine(`-A ${chain.name} ${rule.text}`)),
  );
}

/** Tables of `ruleset` holding `line` (a chain such as DOCKER exists in nat and filter). */
export function tablesHoldingRule(ruleset: Ruleset, line: string): TableName[] {
  const wanted = normalizeRuleLine(line);
  return ruleset.tables.filter((t) => tableRuleLines(ruleset, t.name).includes(wanted)).map((t) => t.name);
}

export type SubsequenceResult =
  | { ok: true }
  | { ok: false; missing: string; afterLine?: string; index: number };

/**
 * Are the `expected` lines present in `actual` in the same order (other lines may sit
 * between them)? On failure, names the first expected line that could not be found
 * after the previous match.
 */
export function findOrderedLines(actual: readonly string[], expected: readonly string[]): SubsequenceResult {
  let at = 0;
  let previous: string | undefined;
  for (const [index, raw] of expected.entries()) {
    const line = normalizeRuleLine(raw);
    const found = actual.indexOf(line, at);
    if (found < 0) {
      const result: SubsequenceResult = { ok: false, missing: line, index };
      if (previous !== undefined) result.afterLine = previous;
      return result;
    }
    at = found + 1;
    previous = line;
  }
  return { ok: true };
}

/** A counter row of any framework (CounterDelta, or a row of src/compare/host-counters.ts). */
type CounterRowLike = Pick<CounterDelta, 'rule' | 'text' | 'packets' | 'bytes'> & { table: string };

/** The delta of one rule (or `:CHAIN POLICY` line) in one table; rules that did not count are absent = 0. */
export function counterFor(deltas: readonly CounterRowLike[], table: TableName, line: string): Counters {
  const wanted = normalizeRuleLine(line);
  const isPolicy = wanted.startsWith(':');
  const hits = deltas.filter((d) => {
    if (d.table !== table) return false;
    if (isPolicy) return d.rule === 0 && normalizeRuleLine(d.text).split(' ')[0] === wanted.split(' ')[0];
    return normalizeRuleLine(d.text) === wanted;
  });
  return hits.reduce((sum, d) => ({ packets: sum.packets + d.packets, bytes: sum.bytes + d.bytes }), {
    packets: 0,
    bytes: 0,
  });
}

/** Human listing of the deltas of one step, for failure messages. */
export function describeDeltas(deltas: readonly CounterDelta[]): string {
  if (deltas.length === 0) return '  (no rule or policy counted anything)';
  return deltas.map((d) => `  [${d.packets}:${d.bytes}] ${d.table}: ${d.text}`).join('\n');
}

/**
 * The counts a row must show for a recorded expectation: the recording plus the extra
 * packets the twin matched (`extra`, a replayed recording's timing variation). Real
 * hosts get no slack: their ACKs do not depend on timing (src/dind/quickack.ts).
 */
export function expectedCounts(
  expected: { packets: number; bytes?: number },
  extra: Counters,
): { packets: number; bytes?: number } {
  return {
    packets: expected.packets + extra.packets,
    ...(expected.bytes === undefined ? {} : { bytes: expected.bytes + extra.bytes }),
  };
}
