/**
 * Prints a Ruleset as iptables-save text. With `counters: true` the `-c` form: every
 * rule prefixed by `[packets:bytes]`. Chain lines show their counters either way, as
 * iptables-save does.
 */
import type { Ruleset } from '../types.ts';
import { formatCounters } from './counters.ts';

export interface SerializeOptions {
  counters?: boolean;
}

// Exact u64 values: a counter above 2^53 prints as read, never as 1e+26.
const bracket = formatCounters;

export function serializeRuleset(rs: Ruleset, options: SerializeOptions = {}): string {
  const out: string[] = [];
  for (const table of rs.tables) {
    out.push(...table.leadingComments);
    out.push(`*${table.name}`);
    for (const chain of table.chains) {
      out.push(
        `:${chain.name} ${chain.builtin ? (chain.policy ?? 'ACCEPT') : '-'} ${bracket(chain.counters)}`,
      );
    }
    for (const chain of table.chains) {
      for (const rule of chain.rules) {
        const body = rule.text === '' ? `-A ${chain.name}` : `-A ${chain.name} ${rule.text}`;
        out.push(options.counters ? `${bracket(rule.counters)} ${body}` : body);
      }
    }
    out.push('COMMIT');
    out.push(...table.trailingComments);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
