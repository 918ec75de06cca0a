/**
 * `npm start`: every feature on the model, once per Docker version a real kernel checks
 * (20.10, 26.1, 28.5 by their own engines; 29.7 by its rules on a 28.5 host's kernel). One version alone is not the whole manual: a scenario tagged for
 * other versions and the other versions' rows of a by-version table are skipped in it.
 * The runs go at once, each in its own process with its own reports (reports/ for the
 * default version, reports/<version>/ for the others); each run's output is printed
 * whole when it ends, then one summary line per version. Exit code: 1 if any run failed.
 */
import path from 'node:path';
import { PLUMBING_ENGINES } from '../src/backends/plumbing-engine.ts';
import type { ScenarioResult } from '../src/cli/run-summary.ts';
import { countOutcomes } from '../src/cli/run-summary.ts';
import { describeSkips } from '../src/cli/skip-reasons.ts';
import { DEFAULT_DOCKER_VERSION, VERIFIED_DOCKER_VERSIONS } from '../src/docker/profile.ts';
import { type EngineRun, runEngines } from './engine-runs.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The default version last, so its report is the one in reports/ and its output ends the run. */
export function startVersions(
  verified: readonly string[] = [...VERIFIED_DOCKER_VERSIONS, ...Object.keys(PLUMBING_ENGINES)],
  fallback = DEFAULT_DOCKER_VERSION,
): string[] {
  const byNumber = (v: string) => v.split('.').map(Number) as [number, number];
  const older = verified
    .filter((v) => v !== fallback)
    .sort((a, b) => byNumber(a)[0] - byNumber(b)[0] || byNumber(a)[1] - byNumber(b)[1]);
  return [...older, fallback];
}

/** `Docker 20.10: 30 passed, 0 failed, 63 skipped: 51 ran every step but …; report reports/20.10/cucumber.html` */
export function versionSummary(run: {
  version: string | undefined;
  exitCode: number;
  reportsDir: string;
  summary: { scenarios: readonly ScenarioResult[]; runErrors: readonly string[] };
}): string {
  const c = countOutcomes(run.summary.scenarios);
  // A run that failed without a failed scenario (a crash, a hook) still failed.
  const failed = c.failed + (run.exitCode !== 0 && c.failed === 0 ? 1 : 0);
  const report = path.join(run.reportsDir, 'cucumber.html');
  const why = describeSkips(run.summary.scenarios);
  return `Docker ${run.version ?? DEFAULT_DOCKER_VERSION}: ${c.passed} passed, ${failed} failed, ${c.skipped} skipped${why ? `: ${why}` : ''}; report ${report}`;
}

async function main(): Promise<void> {
  const versions = startVersions();
  process.stdout.write(`Features on the model, once per Docker version: ${versions.join(', ')}\n`);
  const { NETTWIN_DOCKER_VERSION: _ignored, ...env } = process.env;
  const runs: EngineRun[] = await runEngines({
    root: ROOT,
    backend: 'model',
    // The default version runs without --docker-version: its reports go to reports/ itself,
    // where `nettwin run` puts them; the others to reports/<version>/.
    versions: versions.map((v) => (v === DEFAULT_DOCKER_VERSION ? undefined : v)),
    order: process.env.NETTWIN_ORDER ?? 'defined',
    parallel: 1,
    env: { ...env, NETTWIN_BACKEND: 'model' },
  });
  for (const run of runs) {
    const version = run.version ?? DEFAULT_DOCKER_VERSION;
    process.stdout.write(
      `\n── Docker ${version} (${run.seconds.toFixed(1)} s) ──\n${run.output.trimEnd()}\n`,
    );
  }
  process.stdout.write('\n');
  for (const run of runs) process.stdout.write(`${versionSummary(run)}\n`);
  process.exitCode = runs.some((r) => r.exitCode !== 0) ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main();
