import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_DOCKER_VERSION, VERIFIED_DOCKER_VERSIONS } from '../src/docker/profile.ts';
import { startVersions, versionSummary } from './start.ts';

test('npm start runs every verified version, oldest first, the default (reports/) last', () => {
  assert.deepEqual(startVersions(['28.5', '26.1', '20.10'], '28.5'), ['20.10', '26.1', '28.5']);
  assert.deepEqual(new Set(startVersions()), new Set([...VERIFIED_DOCKER_VERSIONS, '29.7']));
  for (const v of ['20.10', '26.1', '28.5', '29.7']) assert.ok(startVersions().includes(v), v);
  assert.equal(startVersions().at(-1), '28.5', 'the default version last');
});

test('one summary line per version; a crashed run counts as failed', () => {
  const scenario = (outcome: 'passed' | 'failed' | 'skipped') => ({ name: 's', uri: 'f', line: 1, outcome });
  const summary = {
    scenarios: [scenario('passed'), scenario('passed'), scenario('skipped')],
    runErrors: [],
  };
  assert.equal(
    versionSummary({ version: '20.10', exitCode: 0, reportsDir: 'reports/20.10', summary }),
    'Docker 20.10: 2 passed, 0 failed, 1 skipped: 1 skipped by a step or hook; report reports/20.10/cucumber.html',
  );
  assert.equal(
    versionSummary({ version: undefined, exitCode: 1, reportsDir: 'reports', summary }),
    `Docker ${DEFAULT_DOCKER_VERSION}: 2 passed, 1 failed, 1 skipped: 1 skipped by a step or hook; report reports/cucumber.html`,
  );
});
