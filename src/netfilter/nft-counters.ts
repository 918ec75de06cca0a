/**
 * Native nft rules' counters as rows (one per rule with a `counter` statement), and
 * zeroing them: what `nft reset rules` does to a real host's anonymous counters.
 * Pure; the counters live on the rules' statements (nft/compile.ts countPacket).
 */
import { type NftCounterRow, nftRowText } from './firewall-state.ts';
import type { NftRuleset } from './nft/types.ts';

export interface NftCounterRowsOptions {
  /** Keep rules that counted nothing (default false). */
  includeZero?: boolean;
}

/** One row per rule whose first `counter` counted, in listing order. */
export function nftCounterRows(ruleset: NftRuleset, options: NftCounterRowsOptions = {}): NftCounterRow[] {
  const rows: NftCounterRow[] = [];
  for (const table of ruleset.tables) {
    for (const chain of table.chains) {
      chain.rules.forEach((rule, i) => {
        const counter = rule.statements.find((s) => s.kind === 'counter');
        if (counter?.kind !== 'counter') return;
        const packets = Number(counter.counter?.packets ?? 0n);
        const bytes = Number(counter.counter?.bytes ?? 0n);
        if (!options.includeZero && packets === 0 && bytes === 0) return;
        rows.push({
          family: table.family,
          table: table.name,
          chain: chain.name,
          rule: i + 1,
          text: nftRowText(rule.text),
          packets,
          bytes,
        });
      });
    }
  }
  return rows;
}

/** Every rule counter back to zero (`counter` statements that never counted stay as they are). */
export function zeroNftCounters(ruleset: NftRuleset): void {
  for (const table of ruleset.tables) {
    for (const chain of table.chains) {
      for (const rule of chain.rules) {
        for (const s of rule.statements) {
          if (s.kind === 'counter' && s.counter) s.counter = { packets: 0n, bytes: 0n };
        }
      }
    }
  }
}
