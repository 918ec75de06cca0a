import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  combineTags,
  effectiveBackend,
  formatRunReport,
  parseParallel,
  parseShard,
  pickleOrder,
  type RunOutcome,
  RunUsageError,
} from './run.ts';

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
    order: 'random:42',
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
  assert.match(
    text,
    /nettwin run \(twin, order random:42\): 1 scenarios passed, 2 failed; report: reports\/cucumber\.html$/,
  );
});

test('pickleOrder: random gets a seed of its own; a given seed is kept', () => {
  assert.equal(pickleOrder(undefined), 'defined');
  assert.equal(
    pickleOrder('random', () => 7),
    'random:7',
  );
  assert.equal(pickleOrder('random:abc'), 'random:abc');
  assert.throws(() => pickleOrder('shuffled'), /--order is "shuffled"/);
});

test('parseShard accepts I/N with 1 <= I <= N only', () => {
  assert.deepEqual(parseShard('2/3'), { index: 2, total: 3, text: '2/3' });
  for (const bad of ['0/3', '4/3', '1/0', '1-3', 'a/b']) assert.throws(() => parseShard(bad), RunUsageError);
});

test('parseParallel: a positive integer, or auto from the cores (at most 4)', () => {
  assert.equal(parseParallel('3', 2), 3);
  assert.equal(parseParallel('auto', 2), 2);
  assert.equal(parseParallel('auto', 64), 4);
  assert.throws(() => parseParallel('0', 2), RunUsageError);
  assert.throws(() => parseParallel('1.5', 2), RunUsageError);
});
