/**
 * The verdict of one `Then the reachability is:` step and its message: the whole matrix
 * as it was seen, the cells that differ marked, and for each of them what was expected,
 * what the real host did, what the model predicted and the rule that decided it there.
 * Pure.
 */
import { cellMatches, type Expected, formatVerdict } from './header.ts';
import { observedVerdict, type ProbedCell, twinAgrees } from './step-probe.ts';
import type { StepTable } from './step-table.ts';
import type { DecidingRule } from './types.ts';

/** Marks in a cell: not as the table expects; the real host and the model disagree. */
export const UNEXPECTED_MARK = '*';
export const TWIN_MARK = '!';

export interface CellJudgement {
  expectedOk: boolean;
  /** false only on twin, when the two sides disagree. */
  twinOk: boolean;
}

export function judgeCell(
  expected: Expected,
  cell: ProbedCell,
  proto: 'icmp' | 'tcp' | 'udp',
): CellJudgement {
  const seen = observedVerdict(cell);
  return {
    expectedOk: seen !== undefined && cellMatches(expected, seen),
    twinOk:
      cell.real === undefined || cell.model === undefined || twinAgrees(proto, cell.real, cell.model.verdict),
  };
}

function expectedWord(e: Expected): string {
  return e === 'blocked' ? '✗' : formatVerdict(e);
}

export function ruleWords(rule: DecidingRule | null, reason?: string): string {
  if (!rule) return reason === undefined ? 'no rule (nothing filtered it)' : `no rule: ${reason}`;
  return `${rule.table} ${rule.chain}: ${rule.text}`;
}

/** A Gherkin-like table with aligned columns. */
function layout(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...c].length);
    });
  return rows
    .map((row) => `| ${row.map((c, i) => c + ' '.repeat((widths[i] ?? 0) - [...c].length)).join(' | ')} |`)
    .join('\n');
}

export interface StepVerdict {
  failed: boolean;
  /** The matrix as seen, with marks; then one line per differing cell. */
  text: string;
  /** How many cells were probed, and how many differ. */
  probed: number;
  differing: number;
  /** Each probed cell's judgement, in the table's cell order. */
  cells: CellJudgement[];
}

export function judgeStep(table: StepTable, probed: readonly ProbedCell[], backendName: string): StepVerdict {
  const grid = table.sources.map(() => table.destinations.map(() => '-'));
  const lines: string[] = [];
  let differing = 0;
  let sawTwinDifference = false;
  const judged: CellJudgement[] = [];
  table.cells.forEach((c, i) => {
    const cell = probed[i] ?? {};
    const seen = observedVerdict(cell);
    const j = judgeCell(c.expected, cell, c.destination.proto);
    judged.push(j);
    const marks = `${j.expectedOk ? '' : UNEXPECTED_MARK}${j.twinOk ? '' : TWIN_MARK}`;
    const row = grid[c.row] as string[];
    row[c.column] = `${seen === undefined ? '?' : formatVerdict(seen)}${marks ? ` ${marks}` : ''}`;
    if (marks === '') return;
    differing++;
    if (!j.twinOk) sawTwinDifference = true;
    const from = table.sources[c.row];
    const to = table.destinations[c.column];
    const parts = [`expected ${expectedWord(c.expected)}`];
    if (cell.real !== undefined) parts.push(`the real host: ${cell.real}`);
    if (cell.model)
      parts.push(
        `the model: ${cell.model.verdict}, decided by ${ruleWords(cell.model.rule, cell.model.reason)}`,
      );
    lines.push(`${marks} ${from} → ${to}: ${parts.join('; ')}`);
  });
  const header = ['from → to', ...table.destinations];
  const body = table.sources.map((s, r) => [s, ...(grid[r] as string[])]);
  const whose = backendName === 'twin' ? "the real host's verdicts" : `the ${backendName} backend's verdicts`;
  const legend = [`${UNEXPECTED_MARK} not as expected`];
  if (sawTwinDifference) legend.push(`${TWIN_MARK} the real host and the model disagree`);
  const text =
    differing === 0
      ? `all ${table.cells.length} cells as expected:\n${layout([header, ...body])}`
      : `${differing} of ${table.cells.length} cells differ (${whose}; ${legend.join(', ')}):\n` +
        `${layout([header, ...body])}\n${lines.join('\n')}`;
  return { failed: differing > 0, text, probed: table.cells.length, differing, cells: judged };
}
