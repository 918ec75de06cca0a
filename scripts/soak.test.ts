import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ScenarioOutcome } from '../src/cli/run-summary.ts';
import { formatSoakTable, positiveCount, soakTable, unusableRun } from './soak.ts';

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

test('unusableRun: a run that never reached its scenarios cannot pass as "0 flaky"', () => {
  const summary = (scenarios: Array<{ outcome: ScenarioOutcome }>, runErrors: string[] = []) => ({
    scenarios: scenarios.map((s, i) => ({ name: `s${i}`, uri: 'features/a.feature', line: i + 1, ...s })),
    undefinedSteps: [],
    patterns: [],
    runErrors,
  });
  const noEngine = 'nettwin: a BeforeAll hook errored\n  because: No Docker engine answers';
  // What a run without an engine looked like: exit 2, nothing counted.
  assert.match(
    unusableRun({ exitCode: 2, output: noEngine, summary: summary([]) }) ?? '',
    /no scenario ran \(exit 2\)[\s\S]*No Docker engine/,
  );
  assert.match(
    unusableRun({
      exitCode: 1,
      output: '',
      summary: summary([{ outcome: 'passed' }], ['AfterAll hook errored']),
    }) ?? '',
    /AfterAll/,
  );
  assert.match(
    unusableRun({ exitCode: 2, output: 'x', summary: summary([{ outcome: 'passed' }]) }) ?? '',
    /exited 2 with no failed/,
  );
  // Failures are what a soak counts, not a reason to stop; skipped-only runs are runs.
  assert.equal(
    unusableRun({
      exitCode: 1,
      output: '',
      summary: summary([{ outcome: 'failed' }, { outcome: 'passed' }]),
    }),
    undefined,
  );
  assert.equal(
    unusableRun({ exitCode: 0, output: '', summary: summary([{ outcome: 'skipped' }]) }),
    undefined,
  );
});
