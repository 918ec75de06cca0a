import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { findMessagesFile, MessagesFileError, parseMessages, readMessages } from './read-messages.ts';
import { withTempDir } from './shard-runs.test-helper.ts';

const META = '{"meta":{"protocolVersion":"32.2.0"}}';
const STARTED = '{"testRunStarted":{"timestamp":{"seconds":1,"nanos":0}}}';

function failure(body: () => unknown): MessagesFileError {
  try {
    body();
  } catch (error) {
    assert.ok(error instanceof MessagesFileError);
    return error;
  }
  assert.fail('no error');
}

test('parseMessages reads one envelope a line and skips blank lines', () => {
  assert.deepEqual(parseMessages(`${META}\r\n\n${STARTED}\n`, 'r/messages.ndjson'), [
    JSON.parse(META),
    JSON.parse(STARTED),
  ]);
});

test('a line that is not JSON is named by file and line, and says what to do', () => {
  const error = failure(() =>
    parseMessages(`${META}\n{"source":\n${STARTED}\n`, 'reports-2/messages.ndjson'),
  );
  assert.equal(error.file, 'reports-2/messages.ndjson');
  assert.equal(error.line, 2);
  assert.match(
    error.message,
    /^reports-2\/messages\.ndjson:2: this line is not JSON: .*; run that shard again/,
  );
});

test('a last line cut short is told apart from a bad line', () => {
  const error = failure(() => parseMessages(`${META}\n${STARTED.slice(0, 20)}\n\n`, 'm.ndjson'));
  assert.equal(error.line, 2);
  assert.match(
    error.message,
    /^m\.ndjson:2: the last line is cut short \(the run stopped while writing it\?\)/,
  );
});

test('JSON that is not an envelope, and an empty file, are refused', () => {
  assert.match(
    failure(() => parseMessages(`${META}\n[1,2]\n`, 'm.ndjson')).message,
    /^m\.ndjson:2: not a cucumber message/,
  );
  assert.match(
    failure(() => parseMessages('\n\n', 'm.ndjson')).message,
    /^m\.ndjson: holds no cucumber message/,
  );
});

test('a reports directory without messages.ndjson points at the one a level down', async () => {
  await withTempDir('nettwin-read-', async (dir) => {
    await mkdir(path.join(dir, 'reports-1', '28.5-1'), { recursive: true });
    await writeFile(path.join(dir, 'reports-1', '28.5-1', 'messages.ndjson'), `${META}\n`);
    await assert.rejects(
      findMessagesFile('reports-1', dir),
      (error: Error) =>
        error instanceof MessagesFileError &&
        error.message ===
          'reports-1/messages.ndjson: not found; `nettwin run --reports DIR` writes it in DIR (there is reports-1/28.5-1/messages.ndjson: pass reports-1/28.5-1)',
    );
    assert.equal(await findMessagesFile('reports-1/28.5-1', dir), 'reports-1/28.5-1/messages.ndjson');
    const { file, envelopes } = await readMessages('reports-1/28.5-1/messages.ndjson', dir);
    assert.equal(file, 'reports-1/28.5-1/messages.ndjson');
    assert.equal(envelopes.length, 1);
    await assert.rejects(
      findMessagesFile('reports-9', dir),
      /^MessagesFileError: reports-9: no such directory/,
    );
  });
});
