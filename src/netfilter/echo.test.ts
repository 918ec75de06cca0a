import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ECHO_LIMIT, echo, MAX_LINE_LENGTH } from './echo.ts';
import { IptablesError } from './iptables/result.ts';
import { applyIptablesScript } from './iptables/script.ts';
import { RulesetParseError } from './ruleset/errors.ts';
import { parseRuleset } from './ruleset/parse.ts';
import { emptyRuleset } from './ruleset/tables.ts';

/** C0, DEL, C1 and the Unicode line separators: what a message must not carry raw. */
const hasControl = (text: string) =>
  [...text].some((c) => {
    const code = c.codePointAt(0) ?? 0;
    return code <= 0x1f || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
  });
/** What a message may add around its echoes: location, detail, hint (measured generously). */
const MESSAGE_BOUND = 2000;

/** Any text, binary junk included, sometimes long, sometimes shaped like a dump. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({
    unit: fc.constantFrom(
      '\u0000',
      '\u001b',
      '\n',
      '\r',
      '\t',
      '\u007f',
      '\u0085',
      'x',
      ' ',
      '"',
      '[',
      ':',
      '-',
    ),
    maxLength: 300,
  }),
  fc.tuple(fc.string({ maxLength: 20 }), fc.integer({ min: 300, max: 5000 })).map(([s, n]) => s.repeat(n)),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          '*filter',
          ':INPUT ACCEPT [0:0]',
          ':X - [0:0]',
          'COMMIT',
          '-A INPUT -j X',
          '-A X -j X',
        ),
        fc.string({ unit: 'binary', maxLength: 80 }).map((s) => `-A INPUT ${s}`),
        fc.string({ unit: 'binary', maxLength: 80 }).map((s) => `[${s}] -A INPUT -j ACCEPT`),
      ),
      { maxLength: 8 },
    )
    .map((lines) => lines.join('\n')),
);

describe('echo: input quoted in a message', () => {
  it('property: bounded length, no control characters, whatever the input', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const shown = echo(text);
        assert.ok(shown.length <= ECHO_LIMIT + 40, `${shown.length} characters`);
        assert.ok(!hasControl(shown), JSON.stringify(shown));
      }),
    );
  });

  it('short printable text is shown as is; the rest is escaped and counted', () => {
    assert.equal(echo('-A INPUT -j ACCEPT'), '-A INPUT -j ACCEPT');
    assert.equal(echo('a\u001b[31mb\n'), 'a\\x1b[31mb\\n');
    assert.equal(echo('x'.repeat(10_485_760)), `${'x'.repeat(ECHO_LIMIT)}… (10485560 more characters)`);
    assert.equal(echo('\u0000'.repeat(100), 10), '\\x00\\x00… (98 more characters)');
    assert.equal(echo('😀x', 2), '😀… (1 more characters)');
    assert.equal(echo('\ud800x'), '\\ud800x');
  });
});

describe('parser errors echo input bounded, without control characters', () => {
  it('property: parseRuleset either reads the text or throws a bounded RulesetParseError', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        try {
          parseRuleset(text, { file: 'dump\u001b.txt' });
        } catch (e) {
          assert.ok(e instanceof RulesetParseError, String(e));
          assert.ok(e.message.length <= MESSAGE_BOUND, `${e.message.length} characters`);
          assert.ok(!hasControl(e.message), JSON.stringify(e.message));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: an iptables script line fails with a bounded IptablesError (line breaks only its own)', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        try {
          applyIptablesScript(emptyRuleset(), [`iptables -A INPUT ${text.replace(/\n/g, ' ')}`]);
        } catch (e) {
          assert.ok(e instanceof IptablesError, String(e));
          assert.ok(e.message.length <= MESSAGE_BOUND, `${e.message.length} characters`);
          assert.ok(e.message.split('\n').length <= 5);
          for (const line of e.message.split('\n')) assert.ok(!hasControl(line), JSON.stringify(line));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a 10 MB line is "line too long" with its line number, in a dump and in an iptables script', () => {
    const huge = `-A INPUT -m comment --comment "${'x'.repeat(10_000_000)}" -j ACCEPT`;
    assert.throws(
      () => parseRuleset(`*filter\n:INPUT ACCEPT [0:0]\n${huge}\nCOMMIT\n`, { file: 'big.txt' }),
      (e: unknown) =>
        e instanceof RulesetParseError &&
        e.line === 3 &&
        e.message.startsWith(`line too long: ${huge.length} characters (at most ${MAX_LINE_LENGTH}`) &&
        e.message.length < 1000,
    );
    assert.throws(
      () => applyIptablesScript(emptyRuleset(), ['-N X', huge]),
      (e: unknown) =>
        e instanceof IptablesError &&
        e.line === 2 &&
        /line too long/.test(e.message) &&
        e.message.length < 1000,
    );
  });
});
