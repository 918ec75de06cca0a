/**
 * Counters as lists of CounterDelta rows: what a ruleset's counters say (after
 * `iptables -Z` they are exactly a step's deltas), and the difference of two snapshots
 * for hosts whose counters must not be reset.
 */
import type { CounterDelta, Counters, Ruleset } from '../netfilter/types.ts';

export interface CountersOfOptions {
  /** Keep rules and policies that did not count (default false: only non-zero rows). */
  includeZero?: boolean;
}

export function ruleRowText(chain: string, text: string): string {
  return text === '' ? `-A ${chain}` : `-A ${chain} ${text}`;
}

export function policyRowText(chain: string, policy: string | undefined): string {
  return `:${chain} ${policy ?? 'ACCEPT'}`;
}

/** One row per built-in policy and rule, in iptables-save order. */
export function countersOf(ruleset: Ruleset, options: CountersOfOptions = {}): CounterDelta[] {
  const rows: CounterDelta[] = [];
  const keep = (c: Counters) => options.includeZero || c.packets !== 0 || c.bytes !== 0;
  for (const table of ruleset.tables) {
    for (const chain of table.chains) {
      if (chain.builtin && keep(chain.counters)) {
        rows.push({
          table: table.name,
          chain: chain.name,
          rule: 0,
          text: policyRowText(chain.name, chain.policy),
          ...chain.counters,
        });
      }
    }
    for (const chain of table.chains) {
      chain.rules.forEach((rule, i) => {
        if (!keep(rule.counters)) return;
        rows.push({
          table: table.name,
          chain: chain.name,
          rule: i + 1,
          text: ruleRowText(chain.name, rule.text),
          ...rule.counters,
        });
      });
    }
  }
  return rows;
}

/**
 * `after - before`, matched by table, chain and row text (rule numbers move when rules
 * are inserted between snapshots). Rows that did not change are left out.
 */
export function diffCounters(before: CounterDelta[], after: CounterDelta[]): CounterDelta[] {
  const seen = new Map<string, CounterDelta[]>();
  for (const row of before) {
    const key = `${row.table}\u0000${row.text}`;
    const list = seen.get(key) ?? [];
    list.push(row);
    seen.set(key, list);
  }
  const out: CounterDelta[] = [];
  for (const row of after) {
    const base = seen.get(`${row.table}\u0000${row.text}`)?.shift();
    const packets = row.packets - (base?.packets ?? 0);
    const bytes = row.bytes - (base?.bytes ?? 0);
    if (packets !== 0 || bytes !== 0) out.push({ ...row, packets, bytes });
  }
  return out;
}
