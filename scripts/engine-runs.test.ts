import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runEngines, SUMMARY_FILE } from './engine-runs.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Entries of the system's temporary directory that runEngines could have left. */
const ours = () => readdirSync(tmpdir()).filter((name) => name.startsWith('nettwin-engine-'));

/** One engine run of the model on `features`, its reports under `reportsRoot`. */
async function runOne(reportsRoot: string, features: string[]) {
  const [run] = await runEngines({
    root: ROOT,
    backend: 'model',
    versions: [undefined],
    order: 'defined',
    parallel: 1,
    reportsRoot,
    features,
  });
  return run ?? assert.fail('runEngines returned no run');
}

test('an engine run reads its outcome from beside its reports and leaves nothing behind', async () => {
  const reportsRoot = mkdtempSync(path.join(tmpdir(), 'nettwin-engine-runs-test-'));
  const before = ours();
  try {
    const run = await runOne(reportsRoot, ['features/compose.feature']);
    assert.equal(run.exitCode, 0, run.output);
    assert.ok(run.summary.scenarios.length > 0, 'the outcome was read');
    assert.deepEqual(run.summary.runErrors, []);
    assert.ok(!existsSync(path.join(reportsRoot, SUMMARY_FILE)), 'the outcome file is removed');
    assert.ok(existsSync(path.join(reportsRoot, 'junit.xml')));
    assert.deepEqual(ours(), before, 'nothing left in the temporary directory');
    // An absolute reports root is used as given, not recreated below the checkout.
    assert.ok(!existsSync(path.join(ROOT, reportsRoot)), 'nothing made below the checkout');
  } finally {
    rmSync(reportsRoot, { recursive: true, force: true });
  }
});

test('a run that writes no outcome is not read an earlier run’s', async () => {
  const reportsRoot = mkdtempSync(path.join(tmpdir(), 'nettwin-engine-runs-test-'));
  try {
    mkdirSync(reportsRoot, { recursive: true });
    const stale = {
      summary: { scenarios: [{ name: 'stale' }], undefinedSteps: [], patterns: [], runErrors: [] },
    };
    writeFileSync(path.join(reportsRoot, SUMMARY_FILE), JSON.stringify(stale));
    const run = await runOne(reportsRoot, ['features/no-such.feature']);
    assert.equal(run.exitCode, 2, run.output);
    assert.deepEqual(run.summary.scenarios, []);
    assert.match(run.summary.runErrors.join('\n'), /wrote no summary/);
  } finally {
    rmSync(reportsRoot, { recursive: true, force: true });
  }
});
