import assert from 'node:assert/strict';
import { test } from 'node:test';
import { combineTags, effectiveBackend, formatRunReport, type RunOutcome, RunUsageError } from './run.ts';

test('effectiveBackend: NETTWIN_BACKEND wins, then --backend, then model', () => {
  assert.equal(effectiveBackend(undefined, {}), 'model');
  assert.equal(effectiveBackend('twin', {}), 'twin');
  assert.equal(effectiveBackend('twin', { NETTWIN_BACKEND: 'model' }), 'model');
  assert.throws(() => effectiveBackend('docker', {}), RunUsageError);
  assert.throws(() => effectiveBackend(undefined, { NETTWIN_BACKEND: 'x' }), /NETTWIN_BACKEND is "x"/);
});

test('combineTags keeps the profile expression and adds the user one', () => {
  assert.equal(combineTags('not @model-only', '@seed-000'), '(not @model-only) and (@seed-000)');
  assert.equal(combineTags('', '@seed-000'), '@seed-000');
  assert.equal(combineTags('not @wip', undefined), 'not @wip');
});

test('formatRunReport prints suggestions, a shared cause and the counts', () => {
  const outcome: RunOutcome = {
    success: false,
    backend: 'twin',
    report: 'reports/cucumber.html',
    summary: {
      scenarios: [
        { name: 'a', uri: 'features/a.feature', line: 3, outcome: 'failed', message: 'no Docker engine' },
        { name: 'b', uri: 'features/a.feature', line: 9, outcome: 'failed', message: 'no Docker engine' },
        { name: 'c', uri: 'features/a.feature', line: 12, outcome: 'passed' },
      ],
      undefinedSteps: [{ uri: 'features/a.feature', line: 14, text: 'When I remve container "web"' }],
      patterns: [
        { source: 'I remove container {container}', type: 'CUCUMBER_EXPRESSION' },
        { source: 'the ping fails', type: 'CUCUMBER_EXPRESSION' },
      ],
      runErrors: ['Docker is not reachable at /var/run/docker.sock'],
    },
  };
  const text = formatRunReport(outcome);
  assert.match(
    text,
    /Undefined step at features\/a\.feature:14: When I remve container "web"\n {4}did you mean: I remove container "…"/,
  );
  assert.match(text, /2 scenarios failed with: no Docker engine/);
  assert.match(text, /The run failed outside the scenarios: Docker is not reachable/);
  assert.match(text, /nettwin run \(twin\): 1 scenarios passed, 2 failed; report: reports\/cucumber\.html$/);
});
