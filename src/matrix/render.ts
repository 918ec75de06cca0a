/**
 * A matrix as people read it: a terminal table (sources down, destinations across), a
 * Markdown table, the JSON other tools read (`{"cells":[{from,to,port,proto,verdict,rule}]}`),
 * a Gherkin table ready to paste under `Then the reachability is:`, and `--explain`'s
 * list of blocked cells with their deciding rule and packet path. Pure.
 */
import { formatDestination, formatVerdict } from './header.ts';
import type { Cell, DecidingRule, Matrix } from './types.ts';

/** Rows and columns in first-seen order; a cell per (row, column) or a blank. */
export function grid(m: Matrix): {
  rows: string[];
  columns: string[];
  at(row: string, column: string): Cell | undefined;
} {
  const rows: string[] = [];
  const columns: string[] = [];
  const cells = new Map<string, Cell>();
  const firstCell = new Map<string, Cell>();
  for (const c of m.cells) {
    const column = formatDestination(c);
    if (!rows.includes(c.from)) rows.push(c.from);
    if (!columns.includes(column)) {
      columns.push(column);
      firstCell.set(column, c);
    }
    cells.set(`${c.from}\u0000${column}`, c);
  }
  // Containers first, then the host's addresses (published ports), then the fixed actors.
  const group = (column: string) => {
    const c = firstCell.get(column);
    if (!c) return 0;
    if (/^\d+\.\d+\.\d+\.\d+$/.test(c.to)) return 1;
    return c.to.startsWith('the ') ? 2 : 0;
  };
  const ordered = columns.map((c, i) => ({ c, i })).sort((a, b) => group(a.c) - group(b.c) || a.i - b.i);
  return { rows, columns: ordered.map((x) => x.c), at: (row, column) => cells.get(`${row}\u0000${column}`) };
}

/** Display width: ✓ and ✗ are one column each. */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, to: number): string {
  return text + ' '.repeat(Math.max(0, to - width(text)));
}

function table(header: string[], body: string[][], style: 'terminal' | 'markdown' | 'gherkin'): string {
  const widths = header.map((h, i) => Math.max(width(h), ...body.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) => {
    const padded = cells.map((c, i) => pad(c, widths[i] ?? 0));
    return style === 'terminal' ? padded.join('  ').trimEnd() : `| ${padded.join(' | ')} |`;
  };
  const lines = [line(header)];
  if (style === 'markdown') lines.push(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  if (style === 'terminal') lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of body) lines.push(line(r));
  const indent = style === 'gherkin' ? '      ' : '';
  return `${lines.map((l) => indent + l).join('\n')}\n`;
}

function layout(m: Matrix, corner: string, blank: string): { header: string[]; body: string[][] } {
  const g = grid(m);
  return {
    header: [corner, ...g.columns],
    body: g.rows.map((r) => [
      r,
      ...g.columns.map((c) => {
        const cell = g.at(r, c);
        return cell ? formatVerdict(cell.verdict) : blank;
      }),
    ]),
  };
}

export function renderTerminal(m: Matrix): string {
  if (m.cells.length === 0) return 'no cells: the host has no containers to probe\n';
  const { header, body } = layout(m, 'from \\ to', '·');
  return table(header, body, 'terminal');
}

export function renderMarkdown(m: Matrix): string {
  const { header, body } = layout(m, 'from \\ to', '');
  return table(header, body, 'markdown');
}

/** The step's table: `-` marks a pair that is not probed (the step skips it). */
export function renderGherkin(m: Matrix): string {
  const { header, body } = layout(m, '', '-');
  return table(header, body, 'gherkin');
}

export function renderJson(m: Matrix): string {
  const cells = m.cells.map((c) => ({
    from: c.from,
    to: c.to,
    port: c.port,
    proto: c.proto,
    verdict: c.verdict,
    rule: c.rule,
    ...(c.path ? { ...(c.reason !== undefined ? { reason: c.reason } : {}), path: c.path } : {}),
  }));
  return `${JSON.stringify({ cells }, null, 2)}\n`;
}

/** A deciding rule as one line; without one, the reason the path gives. */
export function formatRule(rule: DecidingRule | null, reason?: string): string {
  if (rule) return `${rule.table} ${rule.chain}: ${rule.text}`;
  return reason !== undefined ? `no rule: ${reason}` : 'no rule';
}

/** Each blocked cell: what it is, the rule that decided it, and (when kept) its path. */
export function renderExplain(m: Matrix): string {
  const blocked = m.cells.filter((c) => c.verdict !== 'delivered');
  if (blocked.length === 0) return 'every cell is delivered\n';
  const out: string[] = [];
  for (const c of blocked) {
    out.push(`${c.from} → ${formatDestination(c)}: ${c.verdict}, decided by ${formatRule(c.rule, c.reason)}`);
    for (const l of c.path ?? []) out.push(`  ${l}`);
  }
  return `${out.join('\n')}\n`;
}
