/**
 * Native nft rules as features name them: `inet filter forward: ct state new accept`
 * (family and table, chain, the rule as `nft list` prints it without its counter), in
 * counter rows and in `Then the nftables ruleset contains:` listings.
 */
import { type NftCounterRow, nftRowText } from '../../src/netfilter/firewall-state.ts';
import { parseBaseChainText } from '../../src/netfilter/nft/parse.ts';
import type { NftBaseChain, NftChain, NftFamily, NftRuleset } from '../../src/netfilter/nft/types.ts';
import type { Counters } from '../../src/netfilter/types.ts';

export interface NftRuleName {
  family: string;
  table: string;
  chain: string;
  /** Normalised (nftRowText). */
  text: string;
}

export const nftLabel = (n: NftRuleName) => `${n.family} ${n.table} ${n.chain}: ${n.text}`;

/** A row of any framework: nft rows of a comparison carry `FAMILY TABLE` in their table column. */
type RowLike = { table: string; chain: string; text: string; packets: number; bytes: number };

/** What the named rule counted; rules that did not count are absent = 0. */
export function nftCounterFor(rows: readonly (NftCounterRow | RowLike)[], name: NftRuleName): Counters {
  const table = `${name.family} ${name.table}`;
  const hits = rows.filter((r) => {
    const rowTable = 'family' in r ? `${r.family} ${r.table}` : r.table;
    return rowTable === table && r.chain === name.chain && nftRowText(r.text) === name.text;
  });
  return hits.reduce((sum, r) => ({ packets: sum.packets + r.packets, bytes: sum.bytes + r.bytes }), {
    packets: 0,
    bytes: 0,
  });
}

export function describeNftDeltas(rows: readonly NftCounterRow[]): string {
  if (rows.length === 0) return '  (no native nft rule counted anything)';
  return rows
    .map((r) => `  [${r.packets}:${r.bytes}] ${r.family} ${r.table} ${r.chain}: ${r.text}`)
    .join('\n');
}

/** A chain's header line as `nft list` prints it: `type filter hook forward priority filter - 10; policy accept;`. */
function baseLine(chain: NftChain): string {
  const b = chain.base;
  return b
    ? `type ${b.type} hook ${b.hook} priority ${b.priorityText}; policy ${b.policy};`
    : 'a regular chain';
}

/**
 * A listed `type … priority …; policy …;` line against the chain: the priority by value,
 * since nft prints `-10` back as `filter - 10`. Returns what differs, or undefined.
 */
function baseDiffers(chain: NftChain, family: NftFamily, line: string): string | undefined {
  let want: NftBaseChain;
  try {
    want = parseBaseChainText(line, family);
  } catch (error) {
    return `"${line}": ${(error as Error).message}`;
  }
  const b = chain.base;
  const same =
    b &&
    b.type === want.type &&
    b.hook === want.hook &&
    b.priority === want.priority &&
    b.policy === want.policy;
  return same ? undefined : `is "${baseLine(chain)}", not "${line}"`;
}

const blanks = (line: string) => line.trim().replace(/\s+/g, ' ');

/**
 * Does the ruleset hold the listed rules, chain by chain, in the order listed (other rules
 * may sit between)? The listing is `nft list` text: `table FAMILY NAME` and `chain NAME`
 * headers, optionally a base chain's `type … policy …;` line, then rule lines; braces
 * and comments are ignored; counters in rule lines are ignored. A line
 * `FAMILY TABLE CHAIN: RULE` names a rule on its own. Returns what is missing, or undefined.
 */
export function missingFromNftListing(ruleset: NftRuleset | undefined, listing: string): string | undefined {
  let table: { family: string; name: string } | undefined;
  let chain: string | undefined;
  const cursor = new Map<string, number>();
  for (const raw of listing.split('\n')) {
    const line = blanks(raw.replace(/\s*[{}]\s*$/, ''));
    if (line === '' || line === '}' || line.startsWith('#')) continue;
    const tableHeader = /^table (ip|ip6|inet|arp|bridge|netdev) (\S+)$/.exec(line);
    if (tableHeader) {
      table = { family: tableHeader[1] as string, name: tableHeader[2] as string };
      chain = undefined;
      continue;
    }
    const chainHeader = /^chain (\S+)$/.exec(line);
    if (chainHeader) {
      if (!table) return `"${line}" comes before any "table FAMILY NAME" line`;
      chain = chainHeader[1] as string;
      continue;
    }
    const labelled = /^(ip|ip6|inet|arp|bridge|netdev) (\S+) (\S+): (.*)$/.exec(line);
    const where = labelled
      ? { family: labelled[1] as string, name: labelled[2] as string, chain: labelled[3] as string }
      : table && chain
        ? { ...table, chain }
        : undefined;
    if (!where) return `"${line}" names no chain: put it under "table FAMILY NAME" and "chain NAME" lines`;
    const text = labelled ? (labelled[4] as string) : line;
    const found = ruleset?.tables
      .find((t) => t.family === where.family && t.name === where.name)
      ?.chains.find((c) => c.name === where.chain);
    const at = `${where.family} ${where.name} ${where.chain}`;
    if (!found) return `the host has no chain ${at}`;
    if (text.startsWith('type ')) {
      const differs = baseDiffers(found, where.family as NftFamily, text);
      if (differs) return `${at} ${differs}`;
      continue;
    }
    const rules = found.rules.map((r) => nftRowText(r.text));
    const from = cursor.get(at) ?? 0;
    const index = rules.indexOf(nftRowText(text), from);
    if (index < 0) {
      const after = from > 0 ? ` after "${rules[from - 1]}"` : '';
      return `${at} lacks "${nftRowText(text)}"${after}; it holds:\n  ${rules.join('\n  ') || '(no rules)'}`;
    }
    cursor.set(at, index + 1);
  }
  return undefined;
}
