import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CounterDelta } from '../netfilter/types.ts';
import { renderCounterTable } from './counter-table.ts';
import { assertWellFormedXml } from './xml-check.test-helper.ts';

const rows: CounterDelta[] = [
  { table: 'nat', chain: 'PREROUTING', rule: 0, text: ':PREROUTING ACCEPT', packets: 3, bytes: 252 },
  {
    table: 'filter',
    chain: 'DOCKER-ISOLATION-STAGE-2',
    rule: 1,
    text: '-A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP',
    packets: 3,
    bytes: 252,
  },
  {
    table: 'filter',
    chain: 'INPUT',
    rule: 2,
    text: '-A INPUT -m comment --comment "<x> & y" -j ACCEPT',
    packets: 1,
    bytes: 84,
  },
];

test('real deltas alone: one row per rule or policy, escaped', () => {
  const html = renderCounterTable(rows);
  assertWellFormedXml(html);
  assert.equal(html.match(/<tr>/g)?.length, 1 + rows.length);
  assert.ok(
    html.includes(
      '<td style="border:1px solid #ddd;padding:3px 6px;text-align:right;font-variant-numeric:tabular-nums">policy</td>',
    ),
  );
  assert.ok(html.includes('--comment &quot;&lt;x&gt; &amp; y&quot;'));
  assert.doesNotMatch(html, /model/);
});

test('with model deltas: model columns, and the disagreeing row first and highlighted', () => {
  const model = rows.map((r) =>
    r.chain === 'DOCKER-ISOLATION-STAGE-2' ? { ...r, packets: 0, bytes: 0 } : r,
  );
  const html = renderCounterTable(rows, model);
  assertWellFormedXml(html);
  assert.ok(html.includes('model packets'));
  const body = html.slice(html.indexOf('<tbody>'));
  const first = body.split('\n')[1] ?? '';
  assert.match(first, /data-status="missing-hit"/);
  assert.match(first, /background:#ffebee/);
  assert.match(first, /real counted, model did not/);
  assert.match(html, /1 row\(s\) disagree/);
  assert.equal(html.match(/data-status="match"/g)?.length, 2);
});

test('with equal model deltas the caption says they agree', () => {
  assert.match(renderCounterTable(rows, structuredClone(rows)), /Real and model counters agree/);
});

test('judged with the step’s exactness, with a note under the caption', () => {
  const tcp = rows.map((r) => (r.table === 'filter' ? { ...r, bytes: r.bytes + 10 } : r));
  const loose = renderCounterTable(tcp, rows, { protocol: 'tcp', byteTolerance: 16 }, 'one <more> ACK');
  assertWellFormedXml(loose);
  assert.match(loose, /Real and model counters agree/);
  assert.match(loose, /<small>one &lt;more&gt; ACK<\/small>/);
  const exact = renderCounterTable(tcp, rows, { protocol: 'icmp' });
  assert.match(exact, /2 row\(s\) disagree/);
});
