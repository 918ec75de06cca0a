import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatSoakTable, positiveCount, soakTable } from './soak.ts';

const scenario = (name: string, outcome: string, message?: string) => ({
  name,
  uri: 'features/a.feature',
  line: name === 'flaky' ? 3 : 9,
  outcome,
  ...(message ? { message } : {}),
});

test('soakTable counts failures per scenario and puts flakes first', () => {
  const rows = soakTable([
    [scenario('steady', 'passed'), scenario('flaky', 'passed')],
    [scenario('steady', 'passed'), scenario('flaky', 'failed', 'counters differ')],
    [scenario('steady', 'passed'), scenario('flaky', 'passed')],
  ]);
  assert.deepEqual(
    rows.map((r) => [r.scenario, r.failed, r.runs]),
    [
      ['features/a.feature:3 flaky', 1, 3],
      ['features/a.feature:9 steady', 0, 3],
    ],
  );
  assert.equal(rows[0]?.message, 'counters differ');
  assert.match(formatSoakTable(rows), /1 flaky scenario\(s\), 0 failing every time, 2 in all$/);
});

test('positiveCount takes whole numbers from 1 as written, nothing else', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 999_999 }), (n) => assert.equal(positiveCount(String(n)), n)),
  );
  fc.assert(
    fc.property(fc.string(), (text) => {
      const n = positiveCount(text);
      if (n !== undefined) assert.equal(String(n), text);
    }),
  );
  for (const bad of ['0', '-1', '1.5', '', ' 3', '3 ', '1e3', '03', 'NaN', '10000000']) {
    assert.equal(positiveCount(bad), undefined, bad);
  }
});
