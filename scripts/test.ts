/**
 * `npm test`: the unit tests (node:test, no Docker), then the features on the twin
 * backend (NETTWIN_BACKEND=model for a quick run). The very last line is
 * `N passed, N failed`, counting unit tests and scenarios together.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { effectiveBackend, formatRunReport, runFeatures } from '../src/cli/run.ts';
import { countOutcomes } from '../src/cli/run-summary.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const UNIT_ROOTS = ['src', 'steps', 'scripts'];
const TAP_FILE = 'reports/unit.tap';

/** Every *.test.ts under the unit roots (Node 20's test runner does not expand globs). */
async function unitTestFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const root of UNIT_ROOTS) {
    const entries = await readdir(path.join(ROOT, root), { recursive: true, withFileTypes: true });
    for (const e of entries) {
      if (e.isFile() && e.name.endsWith('.test.ts')) {
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

async function runUnitTests(): Promise<{ passed: number; failed: number }> {
  const files = await unitTestFiles();
  await mkdir(path.join(ROOT, 'reports'), { recursive: true });
  process.stdout.write(`Unit tests: ${files.length} files\n`);
  const result = await execa(
    'node',
    [
      '--import',
      'tsx',
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${TAP_FILE}`,
      ...files,
    ],
    { cwd: ROOT, reject: false, stdout: 'inherit', stderr: 'inherit' },
  );
  const totals = tapTotals(await readFile(path.join(ROOT, TAP_FILE), 'utf8').catch(() => ''));
  if (result.exitCode !== 0 && totals.failed === 0) {
    // The runner itself failed (e.g. a file that does not load): count it as a failure.
    return { passed: totals.passed, failed: 1 };
  }
  return totals;
}

async function main(): Promise<void> {
  const unit = await runUnitTests();
  process.stdout.write(`\nUnit tests: ${unit.passed} passed, ${unit.failed} failed\n\n`);
  const backend = effectiveBackend('twin');
  process.stdout.write(`Features on the ${backend} backend\n`);
  let scenarios = { passed: 0, failed: 0 };
  try {
    const outcome = await runFeatures({ backend, cwd: ROOT });
    process.stdout.write(`${formatRunReport(outcome)}\n`);
    const counts = countOutcomes(outcome.summary.scenarios);
    scenarios = {
      passed: counts.passed,
      failed: counts.failed + (outcome.success || counts.failed > 0 ? 0 : 1),
    };
  } catch (error) {
    process.stdout.write(
      `The features could not run on the ${backend} backend: ${(error as Error).message}\n`,
    );
    scenarios = { passed: 0, failed: 1 };
  }
  const passed = unit.passed + scenarios.passed;
  const failed = unit.failed + scenarios.failed;
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main();
