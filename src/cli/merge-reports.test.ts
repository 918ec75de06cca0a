import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { ShardMergeError } from '../reports/merge-messages.ts';
import { EXPECTED, runShard, scenarioResults, withTempDir } from '../reports/shard-runs.test-helper.ts';
import { formatMergeReport, mergeReports } from './merge-reports.ts';

test('merge-reports writes one HTML, JUnit and message report from the shards’ directories', async () => {
  await withTempDir('nettwin-merge-cli-', async (root) => {
    const one = await runShard(root, 'machine-1', '1/2');
    const two = await runShard(root, 'machine-2', '2/2');
    const dirs = [one, two].map((r) => path.relative(root, r.reports));
    const outcome = await mergeReports({ dirs, reportsDir: 'merged', cwd: root });
    assert.deepEqual(outcome.counts, { passed: 6, failed: 1, skipped: 1 });
    assert.equal(outcome.success, false);
    assert.equal(
      formatMergeReport(outcome),
      'nettwin merge-reports (2 shards): 6 scenarios passed, 1 failed, 1 skipped; report: merged/cucumber.html',
    );

    const messages = await readFile(path.join(root, 'merged', 'messages.ndjson'), 'utf8');
    const envelopes = messages
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(scenarioResults(envelopes), EXPECTED);
    const junit = await readFile(path.join(root, 'merged', 'junit.xml'), 'utf8');
    assert.match(junit, /<testsuite name="nettwin"[^>]* tests="8" skipped="1" failures="1"/);
    const html = await readFile(path.join(root, 'merged', 'cucumber.html'), 'utf8');
    assert.match(html, /^<!DOCTYPE html>/i);
    assert.ok(html.includes('"name":"2 networks"'), 'the HTML carries the merged messages');

    // Shard 2/2 alone: every scenario passed, and the command would exit 0.
    const passing = await mergeReports({ dirs: [dirs[1] as string], reportsDir: 'merged-2', cwd: root });
    assert.deepEqual(passing.counts, { passed: 4, failed: 0, skipped: 0 });
    assert.equal(passing.success, true);

    await assert.rejects(
      mergeReports({ dirs: [dirs[0] as string, `${dirs[0]}/`], cwd: root }),
      (error: Error) =>
        error instanceof ShardMergeError &&
        error.message ===
          'machine-1/reports and machine-1/reports/ are the same reports (machine-1/reports/messages.ndjson): name each shard once',
    );
  });
});
