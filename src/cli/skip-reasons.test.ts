import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScenarioResult } from './run-summary.ts';
import { describeSkips, skipCause } from './skip-reasons.ts';

const skipped = (reason?: string): ScenarioResult => ({
  name: 's',
  uri: 'features/a.feature',
  line: 1,
  outcome: 'skipped',
  ...(reason === undefined ? {} : { reason }),
});

test('a skipped scenario is counted by its cause', () => {
  assert.equal(skipCause('tagged @docker-before-28, run is Docker 28.5'), 'version');
  assert.equal(skipCause('step "the counters match the model" skipped it'), 'comparison');
  assert.equal(skipCause('step "the ruleset matches the model" skipped it'), 'comparison');
  assert.equal(skipCause('step "the ping fails" skipped it'), 'other');
  assert.equal(skipCause(undefined), 'other');
  const scenarios = [
    skipped('tagged @docker-28, run is Docker 20.10'),
    skipped('step "the counters match the model" skipped it'),
    skipped('step "the ruleset matches the model" skipped it'),
    { ...skipped(), outcome: 'passed' as const },
  ];
  assert.equal(
    describeSkips(scenarios),
    '2 ran every step but the real-vs-model comparison (--backend twin), 1 tagged for another Docker version',
  );
  assert.equal(describeSkips([]), '');
});
