import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfiguration, runCucumber } from '@cucumber/cucumber/api';
import { commonFailures, countOutcomes, RunSummaryCollector, type ScenarioResult } from './run-summary.ts';

const FEATURE = `Feature: counting
  Scenario: passes
    Given a step that passes

  Scenario: fails
    Given a step that passes
    When a step that fails

  Scenario: undefined
    Given a step that passes
    When a step nobody wrote

  @docker-28
  Scenario: only on 28
    Given a step that passes

  Scenario: skips
    Given a step that passes
    When a step that skips
`;

const STEPS = `import { Before, Given, When } from '@cucumber/cucumber';
Before({ tags: '@docker-28' }, function () { return 'skipped'; });
Given('a step that passes', function () {});
When('a step that skips', function () { return 'skipped'; });
When('a step that fails', function () { throw new Error('boom\\nsecond line'); });
`;

const sink = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

// Runs real cucumber on a small feature so the collector sees real message shapes.
test('RunSummaryCollector counts scenarios and finds undefined steps from a real run', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'nettwin-summary-'));
  try {
    await writeFile(path.join(dir, 'counting.feature'), FEATURE);
    await writeFile(path.join(dir, 'steps.mjs'), STEPS);
    // The step file imports @cucumber/cucumber: resolve it from this repository.
    await writeFile(path.join(dir, 'package.json'), '{"type":"module"}');
    await symlink(
      fileURLToPath(new URL('../../node_modules', import.meta.url)),
      path.join(dir, 'node_modules'),
    );
    const environment = { cwd: dir, stdout: sink(), stderr: sink(), env: {} };
    const { runConfiguration } = await loadConfiguration(
      { file: false, provided: { paths: ['counting.feature'], import: ['steps.mjs'], format: [] } },
      environment,
    );
    const finished: string[] = [];
    const collector = new RunSummaryCollector({
      dockerVersion: '20.10',
      onScenario: (r) => finished.push(`${r.name}: ${r.outcome}`),
    });
    const { success } = await runCucumber(runConfiguration, environment, (e) => collector.add(e));
    const summary = collector.summary();
    assert.equal(success, false);
    assert.deepEqual(countOutcomes(summary.scenarios), { passed: 1, failed: 2, skipped: 2 });
    assert.deepEqual(finished, [
      'passes: passed',
      'fails: failed',
      'undefined: failed',
      'only on 28: skipped',
      'skips: skipped',
    ]);
    assert.ok(summary.scenarios.every((s) => typeof s.seconds === 'number' && s.seconds >= 0));
    const reasons = summary.scenarios.filter((s) => s.outcome === 'skipped').map((s) => s.reason);
    assert.deepEqual(reasons, [
      'tagged @docker-28, run is Docker 20.10',
      'step "a step that skips" skipped it',
    ]);
    assert.deepEqual(summary.runErrors, []);
    const failed = summary.scenarios.find((s) => s.name === 'fails');
    assert.equal(failed?.message, 'boom');
    assert.equal(failed?.line, 5);
    assert.deepEqual(summary.undefinedSteps, [
      { uri: 'counting.feature', line: 11, text: 'When a step nobody wrote' },
    ]);
    assert.deepEqual(
      summary.patterns.map((p) => p.source),
      ['a step that passes', 'a step that skips', 'a step that fails'],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('commonFailures groups a shared cause, most common first', () => {
  const s = (outcome: ScenarioResult['outcome'], message?: string): ScenarioResult => ({
    name: 'x',
    uri: 'f.feature',
    line: 1,
    outcome,
    ...(message ? { message } : {}),
  });
  const scenarios = [s('failed', 'no engine'), s('failed', 'no engine'), s('failed', 'other'), s('passed')];
  assert.deepEqual(commonFailures(scenarios), [{ message: 'no engine', count: 2 }]);
  assert.deepEqual(countOutcomes(scenarios), { passed: 1, failed: 3, skipped: 0 });
});

test('a feature cucumber cannot parse is a run error naming its file and line', () => {
  const collector = new RunSummaryCollector();
  collector.add({
    parseError: {
      source: { uri: 'features/broken.feature', location: { line: 5, column: 7 } },
      message: '(5:7): inconsistent cell count within the table',
    },
  } as Parameters<RunSummaryCollector['add']>[0]);
  assert.deepEqual(collector.summary().runErrors, [
    'features/broken.feature:5:7: inconsistent cell count within the table (fix the Gherkin there; none of its scenarios ran)',
  ]);
});
