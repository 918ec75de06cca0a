/**
 * `npm test`: the unit tests (node:test, no Docker), the package test (packed and
 * installed into a fresh project, *.pack-test.ts), the report opened in headless
 * Chromium (*.browser-test.ts, no Docker), then the features on the twin
 * backend (NETTWIN_BACKEND=model for a quick run), then — on a real backend — the
 * Docker tests (*.docker-test.ts: ground truth replayed on real hosts, Ctrl-C
 * cleanup), a leak check and a check that the runner's own iptables did not change;
 * when npm test started the engine, also that they are as before it started.
 * The very last line is `N passed, N failed`, counting all of them together.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { engineImageVersion } from '../src/backends/plumbing-engine.ts';
import { effectiveBackend, pickleOrder } from '../src/cli/run.ts';
import { countOutcomes, type ScenarioResult } from '../src/cli/run-summary.ts';
import { describeSkips } from '../src/cli/skip-reasons.ts';
import { ensureImages } from '../src/dind/images/ensure-images.ts';
import { RUN_ID } from '../src/dind/labels.ts';
import { disposeSharedDindSession } from '../src/dind/session.ts';
import { type CheckResult, leakCheck, runnerIptablesCheck, runnerRuleset } from './docker-checks.ts';
import { engineFirewallCheck } from './engine-firewall.ts';
import { ensureEngine, stopEngine } from './engine-ready.ts';
import { runEngines } from './engine-runs.ts';

/**
 * The engines npm test runs the features on: every profile verified against a real
 * engine, and Docker 29.7 — its predicted rules on a real kernel (a 28.5 host whose daemon
 * writes no rules: src/backends/predicted-rules.ts), not Docker 29's daemon.
 */
export const DEFAULT_TEST_VERSIONS = '20.10,26.1,28.5,29.7';

/**
 * Profiles whose version-tagged scenarios also run on the model when the run's backend is
 * the model (it runs the default version only), so they are not left skipped.
 */
export const MODEL_TEST_VERSIONS = ['29.7'];

const ROOT = path.resolve(import.meta.dirname, '..');
const UNIT_ROOTS = ['src', 'steps', 'scripts'];

type Totals = { passed: number; failed: number };

/** Every file ending in `suffix` under the unit roots (Node 20's test runner does not expand globs). */
async function testFiles(suffix: string): Promise<string[]> {
  const files: string[] = [];
  for (const root of UNIT_ROOTS) {
    const entries = await readdir(path.join(ROOT, root), { recursive: true, withFileTypes: true });
    for (const e of entries) {
      if (e.isFile() && e.name.endsWith(suffix)) {
        files.push(path.relative(ROOT, path.join(e.parentPath ?? (e as { path: string }).path, e.name)));
      }
    }
  }
  return files.sort();
}

/** The `# pass N` / `# fail N` totals a TAP stream from node:test ends with. */
export function tapTotals(tap: string): { passed: number; failed: number } {
  const total = (key: string) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
  return { passed: total('pass'), failed: total('fail') + total('cancelled') };
}

/** node:test over `files`, its spec output on stdout and its totals read from a TAP file. */
async function runNodeTests(label: string, files: string[], tapFile: string): Promise<Totals> {
  await mkdir(path.join(ROOT, 'reports'), { recursive: true });
  process.stdout.write(`${label}: ${files.length} files\n`);
  const result = await execa(
    'node',
    [
      '--import',
      'tsx',
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      ...files,
    ],
    { cwd: ROOT, reject: false, stdout: 'inherit', stderr: 'inherit' },
  );
  const totals = tapTotals(await readFile(path.join(ROOT, tapFile), 'utf8').catch(() => ''));
  if (result.exitCode !== 0 && totals.failed === 0) {
    // The runner itself failed (e.g. a file that does not load): count it as a failure.
    return { passed: totals.passed, failed: 1 };
  }
  return totals;
}

function reportChecks(checks: CheckResult[]): Totals {
  for (const c of checks) process.stdout.write(`${c.ok ? '✔' : '✖'} ${c.name}: ${c.detail}\n`);
  const failed = checks.filter((c) => !c.ok).length;
  return { passed: checks.length - failed, failed };
}

/** After the features on a real backend: the Docker tests, then what the run left behind. */
async function runDockerChecks(rulesetBefore: string | undefined): Promise<Totals> {
  await disposeSharedDindSession();
  const docker = await runNodeTests('Docker tests', await testFiles('.docker-test.ts'), 'reports/docker.tap');
  process.stdout.write(`\nDocker tests: ${docker.passed} passed, ${docker.failed} failed\n\n`);
  const runner = runnerIptablesCheck(rulesetBefore, await runnerRuleset());
  if (!runner)
    process.stdout.write(
      "- the runner's iptables were not compared: iptables-save is not available to this user\n",
    );
  const checks = reportChecks([await leakCheck(RUN_ID), ...(runner ? [runner] : [])]);
  return { passed: docker.passed + checks.passed, failed: docker.failed + checks.failed };
}

async function main(): Promise<void> {
  // Every process of this run (engines, workers, Docker tests) labels what it makes with
  // this id; the leak check looks at this run's resources only (others may be live).
  process.env.NETTWIN_RUN_ID = RUN_ID;
  // A real backend without an engine would fail every feature: stop at once and say why.
  const engine = effectiveBackend('twin') === 'model' ? undefined : await ensureEngine();
  if (engine && !engine.ok) {
    process.stdout.write(`${engine.problem}\n`);
    process.exitCode = 1;
    return;
  }
  let totals: Totals & { skipped: number; skippedWhy: string };
  try {
    totals = await runAll();
  } finally {
    if (engine?.startedHere) await stopEngine();
  }
  // An engine this run started is gone now: engine.sh put back the runner's iptables
  // from before it started, and says whether every table is as found.
  const firewall = engine?.startedHere ? await engineFirewallCheck() : undefined;
  if (firewall) {
    const checked = reportChecks([firewall]);
    totals = { ...totals, passed: totals.passed + checked.passed, failed: totals.failed + checked.failed };
  }
  // The last line is exactly `N passed, N failed` (CI reads it); skipped ones go just above.
  if (totals.skipped > 0)
    process.stdout.write(`${totals.skipped} scenario(s) skipped: ${totals.skippedWhy}\n`);
  process.stdout.write(`${totals.passed} passed, ${totals.failed} failed\n`);
  process.exitCode = totals.failed > 0 ? 1 : 0;
}

async function runAll(): Promise<Totals & { skipped: number; skippedWhy: string }> {
  const unit = await runNodeTests('Unit tests', await testFiles('.test.ts'), 'reports/unit.tap');
  process.stdout.write(`\nUnit tests: ${unit.passed} passed, ${unit.failed} failed\n\n`);
  // The package as a user installs it (*.pack-test.ts: npm pack, npm install --omit=dev, nettwin run).
  const pack = await runNodeTests('Package tests', await testFiles('.pack-test.ts'), 'reports/pack.tap');
  process.stdout.write(`\nPackage tests: ${pack.passed} passed, ${pack.failed} failed\n\n`);
  // The HTML report as a reader sees it (*.browser-test.ts: model run, headless Chromium; never skipped).
  const browser = await runNodeTests(
    'Browser tests',
    await testFiles('.browser-test.ts'),
    'reports/browser.tap',
  );
  process.stdout.write(`\nBrowser tests: ${browser.passed} passed, ${browser.failed} failed\n\n`);
  const backend = effectiveBackend('twin');
  const real = backend !== 'model';
  const rulesetBefore = real ? await runnerRuleset() : undefined;
  // On real hosts every Docker profile verified against a real engine runs the features.
  const versions = real
    ? (process.env.NETTWIN_TEST_DOCKER_VERSIONS ?? DEFAULT_TEST_VERSIONS).split(',').map((v) => v.trim())
    : [undefined];
  // Random order with one seed for every engine: a scenario that depends on another's
  // leftovers fails, and `--order random:SEED` replays the same order.
  const order = pickleOrder(process.env.NETTWIN_ORDER ?? 'random');
  const parallel = Number(process.env.NETTWIN_TEST_PARALLEL ?? 1);
  const on = real ? ` on Docker ${versions.join(', ')} at once` : '';
  process.stdout.write(
    `Features on the ${backend} backend${on} (order ${order}, ${parallel} worker(s) each)\n`,
  );
  // Docker 29.7 runs on a 28.5 host's kernel: its image is 28.5's.
  if (real) await ensureImages([...new Set((versions as string[]).map((v) => engineImageVersion(v)))]);
  const runs = await runEngines({ root: ROOT, backend, versions, order, parallel });
  // NETTWIN_BACKEND would override --backend model in the child (effectiveBackend).
  const modelEnv = { ...process.env, NETTWIN_BACKEND: 'model' };
  const modelRuns = await runEngines({
    root: ROOT,
    backend: 'model',
    versions: real ? [] : MODEL_TEST_VERSIONS,
    order,
    parallel: 1,
    env: modelEnv,
  });
  const scenarios: Totals = { passed: 0, failed: 0 };
  // Scenarios tagged for other Docker versions (@docker-28, @docker-before-28) are skipped;
  // on the model backend, so are those that end comparing with the model (one side only).
  let skipped = 0;
  const finished: ScenarioResult[] = [];
  for (const run of [...runs, ...modelRuns]) {
    const engine = run.version ? ` with Docker ${run.version}` : '';
    const on = modelRuns.includes(run) ? 'model' : backend;
    process.stdout.write(
      `\n── Features on the ${on} backend${engine} (${run.seconds.toFixed(0)} s) ──\n${run.output}\n`,
    );
    const counts = countOutcomes(run.summary.scenarios);
    scenarios.passed += counts.passed;
    skipped += counts.skipped;
    finished.push(...run.summary.scenarios);
    // A run that failed without a failed scenario (a hook, a crash) counts once.
    scenarios.failed += counts.failed + (run.exitCode === 0 || counts.failed > 0 ? 0 : 1);
  }
  let docker: Totals = { passed: 0, failed: 0 };
  if (real) {
    docker = await runDockerChecks(rulesetBefore).catch((error: unknown) => {
      process.stdout.write(`The Docker checks could not run: ${(error as Error).message}\n`);
      return { passed: 0, failed: 1 };
    });
  }
  const passed = unit.passed + pack.passed + browser.passed + scenarios.passed + docker.passed;
  const failed = unit.failed + pack.failed + browser.failed + scenarios.failed + docker.failed;
  return { passed, failed, skipped, skippedWhy: describeSkips(finished) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main();
