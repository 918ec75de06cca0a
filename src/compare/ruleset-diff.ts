/**
 * Real vs predicted ruleset: which rules the model misses, which it invents, which it
 * puts in another order, and which policies differ. Counters are ignored, and so are
 * the embedded-DNS port numbers (random on every real daemon).
 */
import type { Chain, Policy, Ruleset, Table, TableName } from '../netfilter/types.ts';
import { maskDnsPorts } from './dns-ports.ts';
import { type DiffOp, diffSequences, renderUnified } from './sequence-diff.ts';

export type RulesetDifferenceKind =
  /** Present on the real host, absent from the model. */
  | 'missing-table'
  | 'missing-chain'
  | 'missing-rule'
  /** Predicted by the model, absent on the real host. */
  | 'extra-table'
  | 'extra-chain'
  | 'extra-rule'
  /** On both sides, at different places in the chain. */
  | 'moved-rule'
  | 'policy';

export interface RulesetDifference {
  kind: RulesetDifferenceKind;
  table: TableName;
  chain?: string;
  /** `-A CHAIN …` as the real host prints it (missing/moved rules). */
  real?: string;
  /** `-A CHAIN …` as the model prints it (extra/moved rules). */
  model?: string;
  /** 1-based rule numbers on each side. */
  realRule?: number;
  modelRule?: number;
  realPolicy?: Policy;
  modelPolicy?: Policy;
}

export interface RulesetComparison {
  equal: boolean;
  differences: RulesetDifference[];
  /** `diff -u` style text (`--- real` / `+++ model`), empty when equal. */
  unified: string;
}

interface Line {
  text: string;
  key: string;
}

const ruleLines = (chain: Chain): Line[] =>
  chain.rules.map((r) => {
    const text = r.text === '' ? `-A ${chain.name}` : `-A ${chain.name} ${r.text}`;
    return { text, key: maskDnsPorts(chain.name, text.replace(/\s+/g, ' ').trim()) };
  });

/**
 * iptables-nft-save leaves out a built-in chain (and a table) the kernel has not created
 * yet; an empty built-in chain with an ACCEPT policy means the same thing.
 */
const isVacuous = (chain: Chain) =>
  chain.builtin && chain.rules.length === 0 && (chain.policy ?? 'ACCEPT') === 'ACCEPT';
const isVacuousTable = (table: Table) => table.chains.every(isVacuous);

export function compareRulesets(real: Ruleset, model: Ruleset): RulesetComparison {
  const differences: RulesetDifference[] = [];
  const hunks: string[] = [];
  const tableNames = [...real.tables.map((t) => t.name)];
  for (const t of model.tables) if (!tableNames.includes(t.name)) tableNames.push(t.name);

  for (const name of tableNames) {
    const rt = real.tables.find((t) => t.name === name);
    const mt = model.tables.find((t) => t.name === name);
    if (!rt || !mt) {
      const present = (rt ?? mt) as Table;
      if (isVacuousTable(present)) continue;
      differences.push({ kind: rt ? 'missing-table' : 'extra-table', table: name });
      hunks.push(renderWholeTable(present, rt ? '-' : '+'));
      continue;
    }
    const chainNames = rt.chains.map((c) => c.name);
    for (const c of mt.chains) if (!chainNames.includes(c.name)) chainNames.push(c.name);
    for (const chainName of chainNames) {
      const rc = rt.chains.find((c) => c.name === chainName);
      const mc = mt.chains.find((c) => c.name === chainName);
      if (!rc || !mc) {
        const present = (rc ?? mc) as Chain;
        if (isVacuous(present)) continue;
        differences.push({ kind: rc ? 'missing-chain' : 'extra-chain', table: name, chain: chainName });
        const sign = rc ? '-' : '+';
        hunks.push(
          [
            `@@ *${name} ${chainName} @@`,
            `${sign}${chainHeader(present)}`,
            ...ruleLines(present).map((l) => `${sign}${l.text}`),
          ].join('\n'),
        );
        continue;
      }
      const hunk: string[] = [];
      const rp = rc.policy ?? 'ACCEPT';
      const mp = mc.policy ?? 'ACCEPT';
      if (rc.builtin && mc.builtin && rp !== mp) {
        differences.push({ kind: 'policy', table: name, chain: chainName, realPolicy: rp, modelPolicy: mp });
        hunk.push(`-${chainHeader(rc)}`, `+${chainHeader(mc)}`);
      }
      const ops = diffSequences(ruleLines(rc), ruleLines(mc), (l) => l.key);
      differences.push(...classify(name, chainName, ops));
      if (ops.some((o) => o.op !== 'same')) hunk.push(...renderUnified(ops, (l: Line) => l.text));
      if (hunk.length > 0) hunks.push([`@@ *${name} ${chainName} @@`, ...hunk].join('\n'));
    }
  }
  const unified = hunks.length === 0 ? '' : ['--- real', '+++ model', ...hunks].join('\n');
  return { equal: differences.length === 0, differences, unified };
}

function chainHeader(chain: Chain): string {
  return `:${chain.name} ${chain.builtin ? (chain.policy ?? 'ACCEPT') : '-'}`;
}

function renderWholeTable(table: Table, sign: '-' | '+'): string {
  const out = [`@@ *${table.name} @@`];
  for (const c of table.chains) out.push(`${sign}${chainHeader(c)}`);
  for (const c of table.chains) for (const l of ruleLines(c)) out.push(`${sign}${l.text}`);
  return out.join('\n');
}

/** A rule removed on one side and added on the other is a move, not two differences. */
function classify(table: TableName, chain: string, ops: DiffOp<Line>[]): RulesetDifference[] {
  const added = ops.filter((o): o is Extract<DiffOp<Line>, { op: 'add' }> => o.op === 'add');
  const out: RulesetDifference[] = [];
  for (const o of ops) {
    if (o.op !== 'del') continue;
    const twin = added.findIndex((a) => a.b.key === o.a.key);
    if (twin >= 0) {
      const [a] = added.splice(twin, 1);
      out.push({
        kind: 'moved-rule',
        table,
        chain,
        real: o.a.text,
        model: a?.b.text,
        realRule: o.aIndex + 1,
        modelRule: (a?.bIndex ?? 0) + 1,
      });
    } else {
      out.push({ kind: 'missing-rule', table, chain, real: o.a.text, realRule: o.aIndex + 1 });
    }
  }
  for (const a of added)
    out.push({ kind: 'extra-rule', table, chain, model: a.b.text, modelRule: a.bIndex + 1 });
  return out;
}

/** One line per difference, for error messages and logs. */
export function describeDifference(d: RulesetDifference): string {
  const where = d.chain ? `*${d.table} ${d.chain}` : `*${d.table}`;
  switch (d.kind) {
    case 'missing-table':
      return `${where}: table exists on the real host, the model has none`;
    case 'extra-table':
      return `${where}: the model has this table, the real host does not`;
    case 'missing-chain':
      return `${where}: chain exists on the real host, the model has none`;
    case 'extra-chain':
      return `${where}: the model has this chain, the real host does not`;
    case 'missing-rule':
      return `${where}: real rule #${d.realRule} not predicted: ${d.real}`;
    case 'extra-rule':
      return `${where}: model rule #${d.modelRule} not on the real host: ${d.model}`;
    case 'moved-rule':
      return `${where}: rule is #${d.realRule} on the real host but #${d.modelRule} in the model: ${d.real}`;
    case 'policy':
      return `${where}: policy is ${d.realPolicy} on the real host, ${d.modelPolicy} in the model`;
  }
}
