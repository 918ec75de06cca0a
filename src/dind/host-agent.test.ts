import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { AgentFrameReader, agentScript, shellWord } from './host-agent.ts';

test('shellWord: sh gives back every word as it was', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.string({ unit: 'binary' }).map((s) => s.replaceAll('\u0000', '')),
        { maxLength: 4 },
      ),
      (words) => {
        const echo = ['sh', '-c', 'for a; do printf "%s\\0" "$a"; done', 'sh', ...words];
        const out = execFileSync('sh', ['-c', agentScript(echo)]);
        assert.deepEqual(out.toString('utf8').split('\u0000').slice(0, -1), words);
      },
    ),
    { numRuns: 50 },
  );
  assert.equal(shellWord("it's"), "'it'\\''s'");
});

test('AgentFrameReader: frames split anywhere give the same results, bytes counted not characters', () => {
  const out = 'grüße\n';
  const err = 'x';
  const frame = Buffer.concat([
    Buffer.from(`7 3 ${Buffer.byteLength(out)} ${err.length}\n`),
    Buffer.from(out),
    Buffer.from(err),
    Buffer.from('8 0 0 0\n'),
  ]);
  for (let cut = 0; cut <= frame.length; cut++) {
    const reader = new AgentFrameReader();
    const results = [...reader.push(frame.subarray(0, cut)), ...reader.push(frame.subarray(cut))];
    assert.deepEqual(results, [
      { id: 7, result: { exitCode: 3, stdout: out, stderr: err } },
      { id: 8, result: { exitCode: 0, stdout: '', stderr: '' } },
    ]);
  }
});

test('AgentFrameReader: a line that is not a header is refused', () => {
  assert.throws(
    () => new AgentFrameReader().push(Buffer.from('OCI runtime exec failed\n')),
    /unexpected line/,
  );
});
