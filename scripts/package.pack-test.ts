/**
 * The package as a user gets it: packed, installed into a fresh project without
 * devDependencies (no TypeScript compiler), `nettwin init` there, then the project's
 * features — an unnamed network and a TypeScript step of the user's importing `Then`
 * from 'nettwin' — run on the model. The build goes to a staging copy (as prepack would
 * build it) so the checkout's dist/ is left as it was; type errors are tsc's to report.
 *
 * Speed: the project's node_modules (~230 packages) is kept between runs in the
 * temporary directory and claimed by an atomic rename, so a run installs only the new
 * nettwin into it (~2 s instead of ~25 s); two runs at once never share one, and
 * NETTWIN_PACK_TEST_FRESH=1 installs everything anew. The project's own files are
 * written fresh every time.
 */
import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Envelope } from '@cucumber/messages';
import { execa } from 'execa';
import { pluginJunitXml } from '../src/report/junit-plugin.test-helper.ts';
import { buildPackage } from './build.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
// Outside the checkout: a project under it would resolve missing packages from the
// checkout's node_modules. Kept modules sit one level down, where no project looks.
const CACHE = path.join(tmpdir(), 'nettwin-pack-test');
const CACHED_MODULES = path.join(CACHE, 'kept', 'node_modules');

/** Move the cached node_modules into `project` (if there is one and no other run took it). */
function claimCachedModules(project: string): void {
  if (process.env.NETTWIN_PACK_TEST_FRESH === '1') return;
  try {
    renameSync(CACHED_MODULES, path.join(project, 'node_modules'));
    rmSync(path.join(project, 'node_modules', 'nettwin'), { recursive: true, force: true });
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
}

/** Keep the project's node_modules for the next run, unless another run already put one back. */
function returnCachedModules(project: string): void {
  try {
    mkdirSync(path.dirname(CACHED_MODULES), { recursive: true });
    renameSync(path.join(project, 'node_modules'), CACHED_MODULES);
  } catch {
    // another run's copy is there already, or the install never got that far
  }
}

/** Every step definition's `uri:line` in a run's message stream. */
function definitionLocations(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"stepDefinition"'))
    .map((line) => {
      const { uri, location } = (
        JSON.parse(line) as {
          stepDefinition: { sourceReference: { uri: string; location: { line: number } } };
        }
      ).stepDefinition.sourceReference;
      return `${uri}:${location.line}`;
    });
}

test('packed, installed with --omit=dev: npx nettwin init, then run features --backend model passes', {
  timeout: 600_000,
}, async () => {
  mkdirSync(CACHE, { recursive: true });
  // Beside the cache: a rename between the two is atomic (one file system).
  const tmp = mkdtempSync(path.join(CACHE, 'run-'));
  const project = path.join(tmp, 'project');
  try {
    const stage = path.join(tmp, 'stage');
    await buildPackage(path.join(stage, 'dist'), { check: false });
    for (const entry of ['package.json', 'README.md', 'bin', 'docker', 'features', 'fixtures']) {
      cpSync(path.join(ROOT, entry), path.join(stage, entry), { recursive: true });
    }
    const packed = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], {
      cwd: stage,
    });
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    const files = info.files.map((f) => f.path);
    for (const needed of [
      'bin/nettwin.js',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/cli/main.js',
      'dist/steps/vocabulary.js',
      'dist/steps/world.d.ts',
      'dist/vendor/cucumber.js',
      'dist/vendor/run_worker.js',
      'dist/vendor/LICENSES.md',
      'docker/common/lib.sh',
      'docker/workload/build.sh',
    ]) {
      assert.ok(files.includes(needed), `the package holds ${needed}`);
    }
    // Every module package.json exports (the vendored cucumber, JUnit plugin and luxon among them).
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, string | Record<string, string>>;
    };
    for (const target of Object.values(manifest.exports).flatMap((t) =>
      typeof t === 'string' ? [t] : Object.values(t),
    )) {
      assert.ok(
        files.includes(target.replace(/^\.\//, '')),
        `package.json exports ${target}, and the package holds it`,
      );
    }
    const sources = files.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'));
    assert.deepEqual(sources, [], 'no TypeScript sources in the package');
    assert.deepEqual(
      files.filter((f) => /^(src|steps)\//.test(f) || /\.test\./.test(f)),
      [],
    );
    // nettwin's own features ship as examples (init --examples), with the fixtures they read.
    assert.ok(files.includes('features/default-bridge.feature'), 'the package holds the features');
    // npm adds every README.md it passes; nothing else of fixtures/ ships but what the model
    // reads at run time (a firewalld host starts from the table recorded on a real one).
    const fixtures = files.filter((f) => f.startsWith('fixtures/') && !f.endsWith('README.md'));
    assert.deepEqual(fixtures.sort(), [
      'fixtures/nft/firewalld/26.1/after-dockerd.nft',
      'fixtures/nft/firewalld/28.5/after-dockerd.nft',
      'fixtures/seeds/002-four-bridges.iptables-save',
      'fixtures/snapshots/two-networks-20.10.json',
    ]);

    mkdirSync(project);
    claimCachedModules(project);
    writeFileSync(
      path.join(project, 'package.json'),
      `${JSON.stringify({ name: 'network-contract', version: '1.0.0', private: true }, null, 2)}\n`,
    );
    await execa(
      'npm',
      ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', path.join(tmp, info.filename)],
      { cwd: project },
    );
    assert.ok(
      !existsSync(path.join(project, 'node_modules', 'typescript')),
      'no TypeScript compiler installed',
    );
    const env = { ...process.env, NETTWIN_BACKEND: '', NODE_OPTIONS: '' };
    const nettwin = (args: string[]) =>
      execa('npx', ['--no-install', 'nettwin', ...args], { cwd: project, env, reject: false, all: true });

    const version = await nettwin(['--version']);
    assert.equal(version.stdout.trim(), '0.1.0');
    const init = await nettwin(['init']);
    assert.match(init.stdout, /wrote {3}features\/network-contract\.feature/);
    assert.match(init.stdout, /wrote {3}steps\/network-contract\.ts/);

    const run = await nettwin(['run', 'features', '--backend', 'model']);
    assert.equal(run.exitCode, 0, run.all);
    assert.match(
      run.stdout,
      /nettwin run \(model\): 2 scenarios passed, 0 failed; report: reports\/cucumber\.html/,
    );
    assert.doesNotMatch(run.all ?? '', /Undefined step/);
    assert.ok(
      existsSync(path.join(project, 'reports', 'cucumber.html')),
      "the report is in the user's reports/",
    );
    // The JUnit report is nettwin's (src/report/junit-report.ts), with the run's options.
    assert.match(
      readFileSync(path.join(project, 'reports', 'junit.xml'), 'utf8'),
      /<testsuite name="nettwin" time="[\d.]+" tests="2" skipped="0" failures="0" errors="0" timestamp="\d{4}-\d\d-\d\dT[\d:.]+Z">/,
    );
    // ...and is what cucumber's JUnit plugin writes for the run's own messages.
    const runMessages = readFileSync(path.join(project, 'reports', 'messages.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Envelope);
    assert.equal(
      readFileSync(path.join(project, 'reports', 'junit.xml'), 'utf8'),
      pluginJunitXml(runMessages),
    );
    // Bundled, each step definition still says where it is written: the vocabulary's in
    // the package's dist/steps/, the user's at its TypeScript line.
    const locations = definitionLocations(path.join(project, 'reports', 'messages.ndjson'));
    assert.deepEqual(
      locations.filter((l) => !l.startsWith('node_modules/nettwin/dist/steps/')),
      ['steps/network-contract.ts:5'],
    );
    assert.ok(locations.length > 40, locations.join(', '));
    assert.ok(
      existsSync(path.join(project, 'node_modules', '.cache', 'nettwin', 'typescript')),
      'the compiled step is kept for the next run',
    );

    // The vocabulary, then the project's own step.
    const steps = await nettwin(['steps']);
    assert.equal(steps.exitCode, 0, steps.all);
    assert.match(steps.stdout, /\nHosts\n {2}Given a Docker host/);
    assert.match(
      steps.stdout,
      /This project's own steps[^\n]*\n {2}Then network "…" is isolated from the other bridges/,
    );
    const json = await nettwin(['steps', '--json']);
    assert.ok((JSON.parse(json.stdout) as { steps: unknown[] }).steps.length > 40);

    // A step file importing from '@cucumber/cucumber' itself meets the cucumber that runs;
    // so do parallel workers (the bundle's own run_worker).
    writeFileSync(
      path.join(project, 'features', 'direct.feature'),
      'Feature: direct\n  Scenario: cucumber imported directly\n    Given a Docker host\n    Then the step from cucumber itself runs\n',
    );
    writeFileSync(
      path.join(project, 'steps', 'direct.js'),
      "const { Then } = require('@cucumber/cucumber');\nThen('the step from cucumber itself runs', function () {});\n",
    );
    const parallel = await nettwin([
      'run',
      'features',
      '--backend',
      'model',
      '--parallel',
      '2',
      '--reports',
      'reports/parallel',
    ]);
    assert.equal(parallel.exitCode, 0, parallel.all);
    assert.match(parallel.stdout, /3 scenarios passed, 0 failed/);
    const serial = await nettwin([
      'run',
      'features/direct.feature',
      '--backend',
      'model',
      '--reports',
      'reports/direct',
    ]);
    assert.equal(serial.exitCode, 0, serial.all);

    // cucumber-js itself running nettwin's vocabulary and report formatter (README "The
    // report"): the bundled steps register with that runner, not with nettwin's copy.
    const cucumberJs = await execa(
      'npx',
      [
        '--no-install',
        'cucumber-js',
        'features/direct.feature',
        '--import',
        'node_modules/nettwin/dist/steps/vocabulary.js',
        '--import',
        'steps/direct.js',
        '--format',
        '"./node_modules/nettwin/dist/src/report/html-formatter.js":reports/cucumber-js.html',
      ],
      { cwd: project, env, reject: false, all: true },
    );
    assert.equal(cucumberJs.exitCode, 0, cucumberJs.all);
    assert.match(cucumberJs.stdout, /1 scenario \(1 passed\)/);
    assert.ok(existsSync(path.join(project, 'reports', 'cucumber-js.html')));

    // The shipped examples, copied into the project, run there with the files they read.
    const examples = await nettwin(['init', '--examples']);
    assert.match(examples.stdout, /wrote {3}features\/examples\/replayed-dump\.feature/);
    assert.match(examples.stdout, /wrote {3}fixtures\/seeds\/002-four-bridges\.iptables-save/);
    const replayed = await nettwin([
      'run',
      'features/examples/replayed-dump.feature',
      'features/examples/snapshot-replay.feature',
      // A firewalld host on the model starts from the table recorded on a real one (shipped).
      'features/examples/firewalld.feature',
      '--backend',
      'model',
      '--reports',
      'reports/examples',
    ]);
    assert.equal(replayed.exitCode, 0, replayed.all);
    assert.match(replayed.stdout, /scenarios passed, 0 failed/);

    // The public API's declarations type the user's step (`this` is the NettwinWorld).
    const typecheck = await execa(process.execPath, [TSC, '-p', project], { reject: false, all: true });
    assert.equal(typecheck.exitCode, 0, typecheck.all);
  } finally {
    returnCachedModules(project);
    rmSync(tmp, { recursive: true, force: true });
  }
});
