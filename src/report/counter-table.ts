/**
 * The counter deltas of one step as an HTML table (table, chain, #, rule, packets,
 * bytes). Given the model's deltas too, model columns and a verdict column are added
 * and rows that disagree are highlighted and listed first. Inline styles only, so the
 * fragment looks right inside any report.
 */
import {
  type CounterCompareOptions,
  type CounterComparison,
  type CounterRowInput,
  compareCounters,
  isFailing,
} from '../compare/counter-compare.ts';
import { escapeXml } from './escape.ts';

// white-space: the report shows the table inside a <pre> (report-attachments.ts).
const TABLE_STYLE = 'border-collapse:collapse;font-family:sans-serif;font-size:13px;white-space:normal';
const CAPTION = 'text-align:left;padding:4px 0;font-weight:bold';
const CELL = 'border:1px solid #ddd;padding:3px 6px;text-align:left';
const NUM = 'border:1px solid #ddd;padding:3px 6px;text-align:right;font-variant-numeric:tabular-nums';
const RULE = 'border:1px solid #ddd;padding:3px 6px;font-family:monospace;white-space:pre';
const BAD_ROW = 'background:#ffebee';
const SOFT_ROW = 'background:#fffde7';

const VERDICT_WORDS = {
  match: 'same',
  'within-tolerance': 'same within tolerance',
  'missing-hit': 'real counted, model did not',
  'extra-hit': 'model counted, real did not',
  packets: 'packet counts differ',
  bytes: 'byte counts differ',
} as const;

const td = (style: string, content: string | number) =>
  `<td style="${style}">${escapeXml(String(content))}</td>`;
const th = (content: string) => `<th style="${CELL};background:#f5f5f5">${escapeXml(content)}</th>`;
const ruleNo = (n: number | undefined) => (n === undefined ? '–' : n === 0 ? 'policy' : String(n));

export function renderCounterTable(
  /** Rows of every framework: iptables' (table `filter`) and native nft rules' (table `inet filter`). */
  deltas: readonly CounterRowInput[],
  /** The model's rows, or the comparison already made of them (the twin judges each step once). */
  model?: readonly CounterRowInput[] | CounterComparison,
  options: CounterCompareOptions = { protocol: 'icmp' },
  /** A sentence under the caption, e.g. why the model columns include an extra ACK. */
  note?: string,
): string {
  if (!model) {
    const rows = deltas.map(
      (d) =>
        `<tr>${td(CELL, d.table)}${td(CELL, d.chain)}${td(NUM, ruleNo(d.rule))}${td(RULE, d.text)}${td(NUM, d.packets)}${td(NUM, d.bytes)}</tr>`,
    );
    if (rows.length === 0)
      rows.push(`<tr><td colspan="6" style="${CELL}">no rule or policy counted</td></tr>`);
    return [
      `<table class="nettwin-counters" style="${TABLE_STYLE}">`,
      `<caption style="${CAPTION}">Counters: what each rule and policy counted in this step</caption>`,
      `<thead><tr>${['table', 'chain', '#', 'rule', 'packets', 'bytes'].map(th).join('')}</tr></thead>`,
      `<tbody>\n${rows.join('\n')}\n</tbody>`,
      '</table>',
    ].join('\n');
  }
  const cmp = 'rows' in model ? model : compareCounters(deltas, model, options);
  const ordered = [
    ...cmp.rows.filter((r) => isFailing(r.status)),
    ...cmp.rows.filter((r) => !isFailing(r.status)),
  ];
  const rows = ordered.map((r) => {
    const style = isFailing(r.status) ? BAD_ROW : r.status === 'within-tolerance' ? SOFT_ROW : '';
    const verdict = isFailing(r.status) ? `✗ ${VERDICT_WORDS[r.status]}` : `✓ ${VERDICT_WORDS[r.status]}`;
    const strong = isFailing(r.status) ? ';font-weight:bold;color:#b71c1c' : ';color:#1b5e20';
    return (
      `<tr${style ? ` style="${style}"` : ''} data-status="${r.status}">` +
      td(CELL, r.table) +
      td(CELL, r.chain) +
      td(NUM, ruleNo(r.realRule ?? r.modelRule)) +
      td(RULE, r.text) +
      td(NUM, r.real.packets) +
      td(NUM, r.real.bytes) +
      td(NUM, r.model.packets) +
      td(NUM, r.model.bytes) +
      td(CELL + strong, verdict) +
      '</tr>'
    );
  });
  if (rows.length === 0)
    rows.push(`<tr><td colspan="9" style="${CELL}">no rule or policy counted on either side</td></tr>`);
  const head = [
    'table',
    'chain',
    '#',
    'rule',
    'real packets',
    'real bytes',
    'model packets',
    'model bytes',
    'real vs model',
  ];
  return [
    `<table class="nettwin-counters" style="${TABLE_STYLE}">`,
    `<caption style="${CAPTION}">${escapeXml(
      cmp.equal
        ? 'Real and model counters agree'
        : `${cmp.mismatches.length} row(s) disagree between real host and model`,
    )}${note ? `<br/><small>${escapeXml(note)}</small>` : ''}</caption>`,
    `<thead><tr>${head.map(th).join('')}</tr></thead>`,
    `<tbody>\n${rows.join('\n')}\n</tbody>`,
    '</table>',
  ].join('\n');
}
