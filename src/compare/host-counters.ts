/**
 * A step's counters on every framework, compared in one pass: iptables-nft's rows as
 * iptables-save names them, iptables-legacy's and ip6tables' with the framework in the
 * table column, native nft rules by table (with family), chain and rule text.
 */
import {
  type CounterSet,
  type HostCounters,
  iptablesCountersOf,
  nftCountersOf,
} from '../netfilter/firewall-state.ts';
import type { CounterDelta } from '../netfilter/types.ts';
import {
  type CounterCompareOptions,
  type CounterComparison,
  type CounterRowInput,
  compareCounters,
} from './counter-compare.ts';

/** The table column of a row of one counter set: `filter`, `legacy filter`, `ip6 filter`, `inet guard`. */
function tableLabel(set: CounterSet, table: string): string {
  if (set.framework === 'nftables') return table;
  const framework = set.framework === 'iptables-legacy' ? 'legacy ' : '';
  const family = set.family === 'ipv6' ? 'ip6 ' : '';
  return `${framework}${family}${table}`;
}

/** Every row of every framework, iptables-nft IPv4 first, as one list to compare or show. */
export function counterRows(counters: HostCounters): CounterRowInput[] {
  const rows: CounterRowInput[] = [];
  for (const set of counters) {
    if (set.framework === 'nftables') {
      for (const r of set.rows) {
        rows.push({ ...r, table: tableLabel(set, `${r.family} ${r.table}`) });
      }
    } else {
      for (const r of set.rows) rows.push({ ...r, table: tableLabel(set, r.table) });
    }
  }
  return rows;
}

/** Real vs model on every framework at once (DESIGN.md "Counter exactness"). */
export function compareHostCounters(
  real: HostCounters,
  model: HostCounters,
  options: CounterCompareOptions,
): CounterComparison {
  return compareCounters(counterRows(real), counterRows(model), options);
}

/** A HostCounters with iptables-nft's IPv4 rows only (hosts and tests that know no other framework). */
export function iptablesOnly(rows: CounterDelta[]): HostCounters {
  return [{ framework: 'iptables-nft', family: 'ipv4', rows }];
}

export { iptablesCountersOf, nftCountersOf };
