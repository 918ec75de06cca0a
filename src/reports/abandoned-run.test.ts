import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Envelope } from '@cucumber/messages';
import { abandonedRunFinished, finishAbandonedReports } from './abandoned-run.ts';

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
