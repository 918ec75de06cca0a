/**
 * NftRuleset → `nft list ruleset` text, laid out as nft prints it: tabs, sets and maps
 * before chains, a blank line between objects, a base chain's comment before its
 * `type … hook … priority …; policy …;` line. A parsed listing prints back byte for byte
 * (rules keep their text; only the counters in it are rewritten); `stateless` prints
 * `counter` without values, as `nft -s list ruleset` does.
 */
import type { NftChain, NftMapEntry, NftRule, NftSet, NftTable } from './types.ts';

export interface SerializeNftOptions {
  /** Print `counter` without values (`nft -s`). Default: with values. */
  stateless?: boolean;
}

/** The rule's text with each `counter` statement printed from its current values. */
export function formatNftRule(rule: NftRule, options: SerializeNftOptions = {}): string {
  let out = '';
  let at = 0;
  for (const s of rule.statements) {
    if (s.kind !== 'counter') continue;
    out += rule.text.slice(at, s.span[0]);
    out +=
      options.stateless || !s.counter
        ? 'counter'
        : `counter packets ${s.counter.packets} bytes ${s.counter.bytes}`;
    at = s.span[1];
  }
  return out + rule.text.slice(at);
}

function formatChain(chain: NftChain, options: SerializeNftOptions): string {
  let out = `\tchain ${chain.name} {\n`;
  if (chain.comment !== undefined) out += `\t\tcomment ${JSON.stringify(chain.comment)}\n`;
  const b = chain.base;
  if (b) {
    const devices = b.devicesText === undefined ? '' : ` ${b.devicesText}`;
    out += `\t\ttype ${b.type} hook ${b.hook}${devices} priority ${b.priorityText}; policy ${b.policy};\n`;
  }
  for (const rule of chain.rules) out += `\t\t${formatNftRule(rule, options)}\n`;
  return `${out}\t}\n`;
}

function formatEntry(set: NftSet, e: NftMapEntry): string {
  return set.kind === 'map' ? `${e.key} : ${e.value}` : e.key;
}

/**
 * How many elements nft puts on one line before it wraps: one per line for strings
 * (interface names) and concatenations, five for addresses, ten for numbers and ports.
 */
function perLine(set: NftSet): number {
  const key = set.keyType;
  if (key.includes(' . ')) return 1;
  if (/^(ipv4_addr|ipv6_addr|ct_state|ether_addr)$/.test(key)) return 5;
  if (/^(inet_service|inet_proto|mark|integer|nf_proto)$/.test(key)) return 10;
  return 1;
}

function formatElements(set: NftSet): string[] {
  if (set.elementsLayout) return set.elementsLayout;
  if (set.elements.length === 0) return [];
  const n = perLine(set);
  const rows: string[] = [];
  for (let i = 0; i < set.elements.length; i += n) {
    rows.push(
      set.elements
        .slice(i, i + n)
        .map((e) => formatEntry(set, e))
        .join(', '),
    );
  }
  return [`\t\telements = { ${rows.join(',\n\t\t\t     ')} }`];
}

function formatSet(set: NftSet): string {
  let out = `\t${set.kind} ${set.name} {\n`;
  for (const d of set.declaration) out += `\t\t${d}\n`;
  for (const l of formatElements(set)) out += `${l}\n`;
  return `${out}\t}\n`;
}

export function serializeNftTable(table: NftTable, options: SerializeNftOptions = {}): string {
  const parts: string[] = [];
  const head = table.attributes.map((a) => `\t${a}\n`).join('') + (table.blankAfterAttributes ? '\n' : '');
  for (const set of table.sets) parts.push(formatSet(set));
  for (const chain of table.chains) parts.push(formatChain(chain, options));
  const warning =
    table.managedBy === 'iptables-nft'
      ? `# Warning: table ${table.family} ${table.name} is managed by iptables-nft, do not touch!\n`
      : '';
  const open = table.headerComment === undefined ? '{' : `{ ${table.headerComment}`;
  return `${warning}table ${table.family} ${table.name} ${open}\n${head}${parts.join('\n')}}\n`;
}

export function serializeNftRuleset(
  ruleset: { tables: NftTable[] },
  options: SerializeNftOptions = {},
): string {
  return ruleset.tables.map((t) => serializeNftTable(t, options)).join('');
}
