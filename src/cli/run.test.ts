import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Envelope } from '@cucumber/messages';
import { execa } from 'execa';
import fc from 'fast-check';
import { engineImageVersion, plumbingEngineFor, plumbingNotice } from '../backends/plumbing-engine.ts';
import { PROFILES, VERIFIED_DOCKER_VERSIONS } from '../docker/profile.ts';
import { assertWellFormedXml } from '../report/xml-check.test-helper.ts';
import { runModelIn, writeFailingHookProject } from './failing-hook-project.test-helper.ts';
import {
  checkDockerVersion,
  checkFeaturePaths,
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

test('nettwin run --no-reports runs the scenarios and writes no report file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nettwin-noreports-'));
  try {
    mkdirSync(path.join(dir, 'features'));
    writeFileSync(
      path.join(dir, 'features', 'a.feature'),
      'Feature: a\n  Scenario: s\n    Given a Docker host\n    And a bridge network "n1"\n',
    );
    const main = path.join(import.meta.dirname, 'main.ts');
    const run = (extra: string[]) =>
      execa(
        process.execPath,
        ['--import', import.meta.resolve('tsx'), main, 'run', '--backend', 'model', ...extra],
        {
          cwd: dir,
          reject: false,
          env: { ...process.env, NETTWIN_BACKEND: '', NODE_OPTIONS: '' },
        },
      );
    const quiet = await run(['--no-reports']);
    assert.equal(quiet.exitCode, 0, quiet.stderr);
    assert.match(quiet.stdout, /1 scenarios passed, 0 failed; no reports written$/);
    assert.equal(existsSync(path.join(dir, 'reports')), false);
    const reported = await run([]);
    assert.match(reported.stdout, /report: reports\/cucumber\.html$/);
    assert.deepEqual(readdirSync(path.join(dir, 'reports')).sort(), [
      'cucumber.html',
      'junit.xml',
      'messages.ndjson',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run cucumber abandons (a BeforeAll hook throws) still leaves whole reports that show why', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nettwin-beforeall-'));
  try {
    writeFailingHookProject(dir, 'boom');
    const run = await runModelIn(dir);
    assert.equal(run.exitCode, 2, run.stdout);
    assert.match(run.stderr, /a BeforeAll hook errored/);
    const reports = path.join(dir, 'reports');
    assert.deepEqual(readdirSync(reports).sort(), ['cucumber.html', 'junit.xml', 'messages.ndjson']);
    const page = readFileSync(path.join(reports, 'cucumber.html'), 'utf8');
    assert.match(page, /<\/html>\s*$/, 'the page is whole, reader app included');
    const junit = readFileSync(path.join(reports, 'junit.xml'), 'utf8');
    assertWellFormedXml(junit);
    // A JUnit reader sees the hook's error, not an empty green suite.
    assert.match(junit, /<testsuite name="nettwin" [^>]* tests="1" [^>]*errors="1"/);
    assert.match(junit, /<testcase classname="nettwin" name="BeforeAll steps\/hook\.mjs:2" /);
    assert.match(junit, /<error type="Error" message="boom"><!\[CDATA\[Error: boom\n/);
    const messages = readFileSync(path.join(reports, 'messages.ndjson'), 'utf8').trimEnd().split('\n');
    const envelopes = messages.map((line) => JSON.parse(line) as Envelope);
    const last = envelopes.at(-1)?.testRunFinished;
    assert.equal(last?.success, false);
    assert.match(last?.exception?.message ?? '', /a BeforeAll hook errored/);
    assert.ok(page.includes('a BeforeAll hook errored'), 'the page carries the error');
    assert.ok(
      envelopes.some((e) => e.testRunHookFinished),
      'the hook’s own result is kept',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an AfterAll hook that throws is named so (cucumber says BeforeAll), and junit.xml has the scenario and the error', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nettwin-afterall-'));
  try {
    writeFailingHookProject(dir, 'late boom', 'AfterAll');
    const run = await runModelIn(dir);
    assert.equal(run.exitCode, 2, run.stdout);
    assert.match(
      run.stderr,
      /an AfterAll hook errored, process exiting: steps\/hook\.mjs:2\n\s*because: late boom/,
    );
    assert.doesNotMatch(run.stderr, /BeforeAll/);
    const junit = readFileSync(path.join(dir, 'reports', 'junit.xml'), 'utf8');
    assertWellFormedXml(junit);
    assert.match(junit, / tests="2" skipped="0" failures="0" errors="1"/);
    assert.match(
      junit,
      /<testcase classname="a" name="s" [\s\S]*<testcase classname="nettwin" name="AfterAll steps\/hook\.mjs:2" /,
    );
    const envelopes = readFileSync(path.join(dir, 'reports', 'messages.ndjson'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Envelope);
    assert.match(envelopes.at(-1)?.testRunFinished?.message ?? '', /^an AfterAll hook errored/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

test('checkDockerVersion: a profile the model has; real backends only engines with images', () => {
  for (const v of Object.keys(PROFILES)) assert.equal(checkDockerVersion(v, 'model'), v);
  for (const v of VERIFIED_DOCKER_VERSIONS) assert.equal(checkDockerVersion(`${v}.2`, 'twin'), `${v}.2`);
  assert.throws(
    () => checkDockerVersion('99', 'model'),
    (e: Error) =>
      e instanceof RunUsageError &&
      /--docker-version is "99": nettwin knows Docker 29\.7 \(model only\), 28\.5, 26\.1, 20\.10, 17\.06 \(model only\)/.test(
        e.message,
      ),
  );
  assert.throws(() => checkDockerVersion('17.03', 'dind'), /exists in the model only \(--backend model\)/);
  // Docker 29: its predicted rules on a real kernel on twin (src/backends/predicted-rules.ts); no dind engine.
  assert.equal(checkDockerVersion('29.7', 'twin', '--docker-version', {}), '29.7');
  assert.throws(() => checkDockerVersion('29.7', 'dind', '--docker-version', {}), /exists in the model only/);
  // A user's own Docker 29 image (NETTWIN_DIND_IMAGE_29_7): its daemon runs on dind and twin.
  const own = { NETTWIN_DIND_IMAGE_29_7: 'docker:29-dind' };
  assert.equal(checkDockerVersion('29.7', 'dind', '--docker-version', own), '29.7');
  assert.equal(plumbingEngineFor('29.7', own), undefined);
  assert.equal(plumbingEngineFor('29.7.2', {}), '28.5');
  assert.equal(engineImageVersion('29.7', own), '29.7');
  assert.match(
    plumbingNotice('29.7', '28.5'),
    /^Docker 29\.7's rules on a real kernel, not Docker 29\.7's daemon: .* Docker 28\.5 host/,
  );
  assert.throws(
    () => checkDockerVersion('x', 'model', 'NETTWIN_DOCKER_VERSION'),
    /NETTWIN_DOCKER_VERSION is "x"/,
  );
});

test('checkDockerVersion property: accepted exactly when major.minor names a profile', () => {
  const known = new Set(Object.keys(PROFILES));
  fc.assert(
    fc.property(fc.nat(40), fc.nat(12), fc.option(fc.nat(30)), (major, minor, patch) => {
      const version = `${major}.${String(minor).padStart(2, '0')}${patch === null ? '' : `.${patch}`}`;
      const exists =
        known.has(`${major}.${String(minor).padStart(2, '0')}`) || known.has(`${major}.${minor}`);
      let accepted = true;
      try {
        checkDockerVersion(version, 'model');
      } catch (error) {
        assert.ok(error instanceof RunUsageError);
        assert.ok(error.message.includes(`"${version}"`));
        accepted = false;
      }
      return accepted === exists;
    }),
  );
});

test('checkFeaturePaths names every missing path, accepts file:line, and wants features/ when none is named', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nettwin-paths-'));
  try {
    assert.throws(() => checkFeaturePaths([], dir), /no features\/ directory in .*nettwin init/);
    mkdirSync(path.join(dir, 'features'));
    writeFileSync(path.join(dir, 'features', 'a.feature'), 'Feature: a\n');
    checkFeaturePaths([], dir);
    checkFeaturePaths(
      ['features', 'features/a.feature', 'features/a.feature:3', 'features/a.feature:3:9'],
      dir,
    );
    assert.throws(
      () => checkFeaturePaths(['features/a.feature', 'features/typo.feature', 'nope:3'], dir),
      (e: Error) =>
        e instanceof RunUsageError &&
        e.message.startsWith('no such feature file or directory: features/typo.feature, nope:3 ') &&
        e.message.includes('the reports were left as they were'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
