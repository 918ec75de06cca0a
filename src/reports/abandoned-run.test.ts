import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Envelope } from '@cucumber/messages';
import { abandonedRunFinished, finishAbandonedReports, runHookError } from './abandoned-run.ts';

const started = { testRunStarted: { id: 'run-1', timestamp: { seconds: 100, nanos: 0 } } } as Envelope;

test('the closing message: not a success, the error as its exception, the run it ends', () => {
  const finished = abandonedRunFinished([started], new TypeError('hook threw'), 100_250)?.testRunFinished;
  assert.equal(finished?.success, false);
  assert.equal(finished?.testRunStartedId, 'run-1');
  assert.deepEqual(finished?.timestamp, { seconds: 100, nanos: 250_000_000 });
  assert.equal(finished?.exception?.type, 'TypeError');
  assert.equal(finished?.exception?.message, 'hook threw');
  assert.match(finished?.exception?.stackTrace ?? '', /^TypeError: hook threw\n/);
  // Something thrown that is not an Error is still said.
  assert.equal(abandonedRunFinished([], 'plain text').testRunFinished?.exception?.message, 'plain text');
});

test('the reports are written whole; a stream that did end is not ended twice', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nettwin-abandoned-'));
  try {
    const files = { messages: path.join(dir, 'm.ndjson'), junit: path.join(dir, 'j.xml') };
    const lines = () => readFileSync(files.messages, 'utf8').trimEnd().split('\n');
    await finishAbandonedReports([started], files, new Error('boom'));
    assert.equal(lines().length, 2);
    assert.match(lines()[1] ?? '', /"testRunFinished":\{"success":false/);
    assert.match(readFileSync(files.junit, 'utf8'), /^<\?xml version="1.0"\?>\n<testsuite name="nettwin"/);
    const ended = lines().map((line) => JSON.parse(line) as Envelope);
    await finishAbandonedReports(ended, files, new Error('boom'));
    assert.equal(lines().filter((line) => line.includes('testRunFinished')).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cucumber’s "a BeforeAll hook errored" for an AfterAll hook is named rightly; other errors pass through', () => {
  const hookRun = (type: string, status: string): Envelope[] =>
    [
      { hook: { id: 'h', type, sourceReference: { uri: 'steps/h.ts' } } },
      started,
      {
        testRunHookStarted: {
          id: 's',
          hookId: 'h',
          testRunStartedId: 'run-1',
          timestamp: { seconds: 1, nanos: 0 },
        },
      },
      {
        testRunHookFinished: {
          testRunHookStartedId: 's',
          result: { status, duration: { seconds: 0, nanos: 0 } },
          timestamp: { seconds: 1, nanos: 0 },
        },
      },
    ] as Envelope[];
  const cause = new Error('boom');
  const cucumbers = new Error('a BeforeAll hook errored, process exiting: steps/h.ts:3', { cause });
  const renamed = runHookError(hookRun('AFTER_TEST_RUN', 'FAILED'), cucumbers) as Error;
  assert.equal(renamed.message, 'an AfterAll hook errored, process exiting: steps/h.ts:3');
  assert.equal(renamed.cause, cause);
  assert.match(renamed.stack ?? '', /^Error: an AfterAll hook errored/);
  // A BeforeAll hook, a hook that passed, another error: as they were.
  assert.equal(runHookError(hookRun('BEFORE_TEST_RUN', 'FAILED'), cucumbers), cucumbers);
  assert.equal(runHookError(hookRun('AFTER_TEST_RUN', 'PASSED'), cucumbers), cucumbers);
  const other = new Error('engine gone');
  assert.equal(runHookError(hookRun('AFTER_TEST_RUN', 'FAILED'), other), other);
  assert.equal(runHookError([], 'text'), 'text');
});
