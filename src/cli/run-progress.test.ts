import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatScenarioLine, formatSeconds, formatSlowest } from './run-progress.ts';
import type { ScenarioResult } from './run-summary.ts';

const result = (name: string, seconds: number, extra: Partial<ScenarioResult> = {}): ScenarioResult => ({
  name,
  uri: 'features/a.feature',
  line: 3,
  outcome: 'passed',
  seconds,
  ...extra,
});

test('a line per scenario: result, seconds, name, file:line and the cause of a failure or skip', () => {
  assert.equal(formatScenarioLine(result('reach', 0.042)), 'passed   0.04 s  reach (features/a.feature:3)');
  assert.equal(
    formatScenarioLine(result('drop', 12.34, { outcome: 'failed', message: 'expected none' })),
    'FAILED   12.3 s  drop (features/a.feature:3): expected none',
  );
  assert.match(
    formatScenarioLine(
      result('new', 0, { outcome: 'skipped', reason: 'tagged @docker-28, run is Docker 20.10' }),
    ),
    /^skipped .* new \(features\/a\.feature:3\): tagged @docker-28, run is Docker 20\.10$/,
  );
  assert.ok(
    formatScenarioLine(result('long', 1, { outcome: 'failed', message: 'x'.repeat(500) })).length < 240,
  );
  assert.equal(formatSeconds(undefined).length, formatSeconds(1).length);
});

test('the slowest scenarios that ran, slowest first; none for a run of one', () => {
  const lines = formatSlowest([
    result('a', 0.5),
    result('b', 3),
    result('skipped', 9, { outcome: 'skipped' }),
    result('c', 1),
  ]);
  assert.equal(lines[0], 'Slowest 3 of 3 scenarios:');
  assert.deepEqual(
    lines.slice(1).map((l) => l.trim().split('  ')[1]),
    ['b (features/a.feature:3)', 'c (features/a.feature:3)', 'a (features/a.feature:3)'],
  );
  assert.deepEqual(formatSlowest([result('only', 1)]), []);
});
