/**
 * What changes between two matrices of the same stack (two Docker versions, two sets of
 * daemon options, before and after a firewall change): only the cells whose verdict
 * differs, or that exist on one side only, each with the rule that decided it on each
 * side. Pure.
 */
import { formatDestination, formatVerdict } from './header.ts';
import { formatRule } from './render.ts';
import {
  type Cell,
  cellKey,
  type DecidingRule,
  type Destination,
  type Matrix,
  type Verdict,
} from './types.ts';

export interface CellSide {
  verdict: Verdict;
  rule: DecidingRule | null;
  reason?: string;
}

export interface CellChange extends Destination {
  from: string;
  /** null: the cell does not exist on that side (a container or port only one side has). */
  before: CellSide | null;
  after: CellSide | null;
}

const side = (c: Cell | undefined): CellSide | null =>
  c ? { verdict: c.verdict, rule: c.rule, ...(c.reason !== undefined ? { reason: c.reason } : {}) } : null;

const sameRule = (a: DecidingRule | null, b: DecidingRule | null) =>
  a === b || (a !== null && b !== null && a.table === b.table && a.chain === b.chain && a.text === b.text);

export interface DiffOptions {
  /** Also cells whose verdict stays but whose deciding rule changes (a chain Docker moved). */
  rules?: boolean;
}

export function diffMatrices(before: Matrix, after: Matrix, options: DiffOptions = {}): CellChange[] {
  const a = new Map(before.cells.map((c) => [cellKey(c), c]));
  const b = new Map(after.cells.map((c) => [cellKey(c), c]));
  const changes: CellChange[] = [];
  // The before side's order, then cells only the after side has, in its order.
  const keys = [...a.keys(), ...[...b.keys()].filter((k) => !a.has(k))];
  for (const key of keys) {
    const x = a.get(key);
    const y = b.get(key);
    if (x && y && x.verdict === y.verdict && !(options.rules && !sameRule(x.rule, y.rule))) continue;
    const c = (x ?? y) as Cell;
    changes.push({ from: c.from, to: c.to, port: c.port, proto: c.proto, before: side(x), after: side(y) });
  }
  return changes;
}

export interface DiffLabels {
  before: string;
  after: string;
}

const verdictOf = (s: CellSide | null) => (s ? formatVerdict(s.verdict) : '(no such cell)');

export function renderDiffTerminal(changes: readonly CellChange[], labels: DiffLabels): string {
  if (changes.length === 0) return `${labels.before} → ${labels.after}: no cell changes\n`;
  const out = [`${labels.before} → ${labels.after}: ${changes.length} cell(s) change`];
  for (const c of changes) {
    out.push(`  ${c.from} → ${formatDestination(c)}: ${verdictOf(c.before)} → ${verdictOf(c.after)}`);
    if (c.before) out.push(`      ${labels.before}: ${formatRule(c.before.rule, c.before.reason)}`);
    if (c.after) out.push(`      ${labels.after}: ${formatRule(c.after.rule, c.after.reason)}`);
  }
  return `${out.join('\n')}\n`;
}

export function renderDiffMarkdown(changes: readonly CellChange[], labels: DiffLabels): string {
  const esc = (t: string) => t.replace(/\|/g, '\\|');
  const rule = (s: CellSide | null) => (s ? `\`${esc(formatRule(s.rule, s.reason))}\`` : '');
  const lines = [
    `### ${esc(labels.before)} → ${esc(labels.after)}`,
    '',
    `| from | to | ${esc(labels.before)} | ${esc(labels.after)} | rule (${esc(labels.before)}) | rule (${esc(labels.after)}) |`,
    '|---|---|---|---|---|---|',
    ...changes.map(
      (c) =>
        `| ${esc(c.from)} | ${esc(formatDestination(c))} | ${verdictOf(c.before)} | ${verdictOf(c.after)} | ${rule(c.before)} | ${rule(c.after)} |`,
    ),
  ];
  if (changes.length === 0) lines.push('', 'no cell changes');
  return `${lines.join('\n')}\n`;
}

export function diffJson(changes: readonly CellChange[], labels: DiffLabels) {
  return { before: labels.before, after: labels.after, changes };
}
