/**
 * Plain-text, side-by-side renderings for terminals and error messages: the rows that
 * disagree come first, marked, so the rule at fault is the first thing a reader sees.
 */
import type { CounterComparison, CounterRow, CounterRowStatus } from './counter-compare.ts';
import { isFailing } from './counter-compare.ts';

const LABEL: Record<CounterRowStatus, string> = {
  match: 'ok',
  'within-tolerance': '~ok',
  'missing-hit': 'MISSED',
  'extra-hit': 'EXTRA',
  packets: 'PACKETS',
  bytes: 'BYTES',
};

const pb = (c: { packets: number; bytes: number }) => `${c.packets}:${c.bytes}`;
const num = (n: number | undefined) => (n === undefined ? '-' : n === 0 ? 'pol' : String(n));

export function renderCounterComparisonText(cmp: CounterComparison): string {
  const bad = cmp.mismatches;
  const good = cmp.rows.filter((r) => !isFailing(r.status));
  const header = ['', 'table', 'real#', 'model#', 'real p:b', 'model p:b', 'rule'];
  const line = (r: CounterRow) => [
    LABEL[r.status],
    r.table,
    num(r.realRule),
    num(r.modelRule),
    `[${pb(r.real)}]`,
    `[${pb(r.model)}]`,
    r.text,
  ];
  const body: string[][] = [];
  if (bad.length > 0) body.push(...bad.map(line));
  if (bad.length > 0 && good.length > 0) body.push(['--', '', '', '', '', '', '(rows that agree)']);
  body.push(...good.map(line));
  if (body.length === 0) return '(no rule or policy counted on either side)';
  const table = columns([header, ...body]);
  return cmp.variation ? `${table}\nmodel column includes timing-dependent packets: ${cmp.variation}` : table;
}

/** Left-aligned columns, the last one left ragged. */
export function columns(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
