/**
 * Which tables of an `nft list ruleset` are native. iptables-nft's tables are nft tables
 * too; nft marks them ("managed by iptables-nft") on stdout (1.1) or stderr (1.0), and a
 * host whose iptables is nft holds them as `ip`/`ip6` tables named like iptables' own. A
 * snapshot keeps iptables' tables as iptables-save and everything else natively, so no
 * rule is read twice and none is left out.
 */
import { parseNftRuleset } from './parse.ts';
import { serializeNftRuleset } from './serialize.ts';
import type { NftRuleset, NftTable } from './types.ts';

const IPTABLES_TABLES = new Set(['filter', 'nat', 'raw', 'mangle', 'security']);

export interface NativeTablesOptions {
  /** iptables-save's table names, when iptables on that host is iptables-nft. */
  iptablesNftTables?: readonly string[];
  /** ip6tables-save's table names (the `ip6` tables iptables-nft owns). */
  ip6tablesNftTables?: readonly string[];
}

function isIptablesNft(table: NftTable, options: NativeTablesOptions): boolean {
  if (table.managedBy === 'iptables-nft') return true;
  if (!IPTABLES_TABLES.has(table.name)) return false;
  if (table.family === 'ip') return (options.iptablesNftTables ?? []).includes(table.name);
  if (table.family === 'ip6') return (options.ip6tablesNftTables ?? []).includes(table.name);
  return false;
}

export function nativeTables(ruleset: NftRuleset, options: NativeTablesOptions = {}): NftRuleset {
  return { tables: ruleset.tables.filter((t) => !isIptablesNft(t, options)) };
}

/**
 * `nft list ruleset` output (stdout and stderr together) → the native tables as listing
 * text with counters, or undefined when there are none.
 */
export function nativeListing(output: string, options: NativeTablesOptions = {}): string | undefined {
  const native = nativeTables(parseNftRuleset(output, { file: 'nft list ruleset' }), options);
  return native.tables.length > 0 ? serializeNftRuleset(native) : undefined;
}
