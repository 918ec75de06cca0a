/**
 * Real vs predicted native nft tables (firewalld's, a distribution's `inet filter`,
 * Docker 29's `ip docker-bridges`), compared as `nft list` prints them: per table, its
 * attributes, and each chain (its `type … hook … priority …; policy …;` line and rules) and
 * set, line by line (a set's elements in sorted order). Counters (`counter packets N bytes M`)
 * and handles are left out, and so are tables iptables-nft manages: those are compared as
 * iptables-save text (ruleset-diff.ts).
 */
import { nftRowText } from '../netfilter/firewall-state.ts';
import { serializeNftTable } from '../netfilter/nft/serialize.ts';
import type { NftRuleset, NftSet, NftTable } from '../netfilter/nft/types.ts';
import { type DiffOp, diffSequences, renderUnified } from './sequence-diff.ts';

export type NftDifferenceKind =
  /** Present on the real host, absent from the model. */
  | 'missing-table'
  | 'missing-object'
  | 'missing-line'
  /** Predicted by the model, absent on the real host. */
  | 'extra-table'
  | 'extra-object'
  | 'extra-line'
  /** On both sides, at different places in the chain or set. */
  | 'moved-line';

export interface NftDifference {
  kind: NftDifferenceKind;
  /** `inet firewalld`. */
  table: string;
  /** `chain filter_FORWARD`, `set denied`, `map …`, or `table` for the table's own lines. */
  object?: string;
  real?: string;
  model?: string;
  /** 1-based line numbers inside the object on each side. */
  realLine?: number;
  modelLine?: number;
}

export interface NftRulesetComparison {
  equal: boolean;
  differences: NftDifference[];
  /** `diff -u` style text (`--- real` / `+++ model`), empty when equal. */
  unified: string;
}

/** One object of a table (`chain X`, `set X`, or `table`) and its lines, counters left out. */
interface Section {
  name: string;
  lines: string[];
}

const OPEN = /^(chain|set|map|flowtable|counter|quota|limit|ct \w+) (\S+) \{$/;

/**
 * A set or map: its declaration, then one line per element in sorted order — the kernel
 * lists a hashed set's elements in hash order, which carries no meaning (measured: the
 * same verdict map loaded on a real host listed back in another order).
 */
function setSection(set: NftSet): Section {
  const elements = set.elements
    .map((e) => nftRowText(set.kind === 'map' ? `element ${e.key} : ${e.value}` : `element ${e.key}`))
    .sort();
  return { name: `${set.kind} ${set.name}`, lines: [...set.declaration.map(nftRowText), ...elements] };
}

/** A table's objects as nft prints them (stateless, handles dropped, blanks collapsed). */
export function nftTableSections(table: NftTable): Section[] {
  const text = serializeNftTable({ ...table, sets: [] }, { stateless: true });
  const sections: Section[] = [{ name: 'table', lines: [] }];
  let current = sections[0] as Section;
  for (const raw of text.split('\n')) {
    const line = nftRowText(raw);
    if (line === '' || line === '}') {
      if (line === '}') current = sections[0] as Section;
      continue;
    }
    const open = OPEN.exec(line);
    if (open) {
      current = { name: `${open[1]} ${open[2]}`, lines: [] };
      sections.push(current);
      continue;
    }
    current.lines.push(line);
  }
  return [...sections, ...table.sets.map(setSection)];
}

const tableKey = (t: NftTable) => `${t.family} ${t.name}`;
const native = (r: NftRuleset | undefined) => (r?.tables ?? []).filter((t) => t.managedBy !== 'iptables-nft');

export function compareNftRulesets(
  real: NftRuleset | undefined,
  model: NftRuleset | undefined,
): NftRulesetComparison {
  const differences: NftDifference[] = [];
  const hunks: string[] = [];
  const rt = native(real);
  const mt = native(model);
  const keys = rt.map(tableKey);
  for (const t of mt) if (!keys.includes(tableKey(t))) keys.push(tableKey(t));
  for (const key of keys) {
    const r = rt.find((t) => tableKey(t) === key);
    const m = mt.find((t) => tableKey(t) === key);
    if (!r || !m) {
      const sign = r ? '-' : '+';
      differences.push({ kind: r ? 'missing-table' : 'extra-table', table: key });
      const whole = serializeNftTable((r ?? m) as NftTable, { stateless: true }).trimEnd();
      hunks.push([`@@ ${key} @@`, ...whole.split('\n').map((l) => `${sign}${l}`)].join('\n'));
      continue;
    }
    const rs = nftTableSections(r);
    const ms = nftTableSections(m);
    const names = rs.map((s) => s.name);
    for (const s of ms) if (!names.includes(s.name)) names.push(s.name);
    for (const name of names) {
      const a = rs.find((s) => s.name === name);
      const b = ms.find((s) => s.name === name);
      if (!a || !b) {
        const present = (a ?? b) as Section;
        const sign = a ? '-' : '+';
        differences.push({ kind: a ? 'missing-object' : 'extra-object', table: key, object: name });
        hunks.push([`@@ ${key} ${name} @@`, ...present.lines.map((l) => `${sign}${l}`)].join('\n'));
        continue;
      }
      const ops = diffSequences(a.lines, b.lines, (l) => l);
      if (!ops.some((o) => o.op !== 'same')) continue;
      differences.push(...classify(key, name, ops));
      hunks.push([`@@ ${key} ${name} @@`, ...renderUnified(ops, (l: string) => l)].join('\n'));
    }
  }
  const unified = hunks.length === 0 ? '' : ['--- real', '+++ model', ...hunks].join('\n');
  return { equal: differences.length === 0, differences, unified };
}

/** A line removed on one side and added on the other is a move, not two differences. */
function classify(table: string, object: string, ops: DiffOp<string>[]): NftDifference[] {
  const added = ops.filter((o): o is Extract<DiffOp<string>, { op: 'add' }> => o.op === 'add');
  const out: NftDifference[] = [];
  for (const o of ops) {
    if (o.op !== 'del') continue;
    const twin = added.findIndex((a) => a.b === o.a);
    if (twin >= 0) {
      const [a] = added.splice(twin, 1);
      out.push({
        kind: 'moved-line',
        table,
        object,
        real: o.a,
        model: a?.b,
        realLine: o.aIndex + 1,
        modelLine: (a?.bIndex ?? 0) + 1,
      });
    } else out.push({ kind: 'missing-line', table, object, real: o.a, realLine: o.aIndex + 1 });
  }
  for (const a of added) out.push({ kind: 'extra-line', table, object, model: a.b, modelLine: a.bIndex + 1 });
  return out;
}

/** One line per difference, for error messages and logs. */
export function describeNftDifference(d: NftDifference): string {
  const where = d.object && d.object !== 'table' ? `${d.table} ${d.object}` : d.table;
  switch (d.kind) {
    case 'missing-table':
      return `${where}: table exists on the real host, the model has none`;
    case 'extra-table':
      return `${where}: the model has this table, the real host does not`;
    case 'missing-object':
      return `${where}: exists on the real host, the model has none`;
    case 'extra-object':
      return `${where}: the model has it, the real host does not`;
    case 'missing-line':
      return `${where}: real line #${d.realLine} not predicted: ${d.real}`;
    case 'extra-line':
      return `${where}: model line #${d.modelLine} not on the real host: ${d.model}`;
    case 'moved-line':
      return `${where}: line is #${d.realLine} on the real host but #${d.modelLine} in the model: ${d.real}`;
  }
}
