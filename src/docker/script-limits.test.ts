import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_LINE_LENGTH } from '../netfilter/echo.ts';
import { DockerScriptError, parseDockerScript, runDockerScript } from './script.ts';

/** C0, DEL, C1 and the Unicode line separators: what a message must not carry raw. */
const hasControl = (text: string) =>
  [...text].some((c) => {
    const code = c.codePointAt(0) ?? 0;
    return code <= 0x1f || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
  });
const MESSAGE_BOUND = 2000;

/** Script lines a careless user or an attacker might write: binary, long, almost right. */
const line = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }).map((s) => `docker run -d --name ${s} nginx`),
  fc.string({ unit: 'binary', maxLength: 100 }).map((s) => `iptables -A INPUT ${s}`),
  fc.string({ unit: 'binary', maxLength: 100 }).map((s) => `# nettwin: ${s}`),
  fc.string({ unit: 'binary', maxLength: 100 }).map((s) => `docker network create ${s}`),
  fc.string({ maxLength: 10 }).map((s) => `docker run -d --name web -p ${s.repeat(300)} nginx`),
);

function checkMessage(e: unknown): void {
  assert.ok(e instanceof DockerScriptError, String(e));
  assert.ok(e.message.length <= MESSAGE_BOUND, `${e.message.length} characters`);
  assert.ok(!hasControl(e.message), JSON.stringify(e.message));
  assert.match(e.message, /^s\\x1b\.docker:\d+: /);
}

describe('docker script errors echo input bounded, without control characters', () => {
  it('property: parsing any lines reads them or throws a bounded DockerScriptError naming file:line', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 4 }), (lines) => {
        try {
          parseDockerScript(lines.join('\n'), { file: 's\u001b.docker' });
        } catch (e) {
          checkMessage(e);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: running them (Docker and iptables refusals included) gives the same kind of message', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 3 }), (lines) => {
        try {
          runDockerScript(lines.join('\n'), { version: '28.5', file: 's\u001b.docker' });
        } catch (e) {
          checkMessage(e);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a 5 MB line is "line too long" at file:line, not a stack overflow inside shell-quote', () => {
    const text = `docker network create a\ndocker run -d --name ${'x'.repeat(5_000_000)} nginx\n`;
    assert.throws(
      () => parseDockerScript(text, { file: 'big.docker' }),
      (e: unknown) =>
        e instanceof DockerScriptError &&
        e.line === 2 &&
        e.message ===
          `big.docker:2: line too long: 5000027 characters (at most ${MAX_LINE_LENGTH}, the kernel's limit for one command-line argument)`,
    );
    // The longest accepted line still splits (shell-quote's recursion is fine at this size).
    const longest = `docker run -d --name web -e X=${'y'.repeat(MAX_LINE_LENGTH - 40)} nginx`;
    assert.equal(parseDockerScript(longest).length, 1);
  });
});
