/** Properties of the nft listing parser: generated listings round-trip; garbage is refused cleanly. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NftParseError, parseNftRuleset } from './parse.ts';
import { serializeNftRuleset } from './serialize.ts';

const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,14}$/);
const ifname = fc.stringMatching(/^[a-z][a-z0-9.-]{0,14}$/);
const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

const match = fc.oneof(
  fc
    .tuple(fc.constantFrom('iifname', 'oifname'), fc.constantFrom('', '!= '), ifname)
    .map(([k, op, v]) => `${k} ${op}"${v}"`),
  fc
    .tuple(fc.constantFrom('ip saddr', 'ip daddr'), fc.constantFrom('', '!= '), ipv4)
    .map(([k, op, v]) => `${k} ${op}${v}`),
  fc
    .tuple(fc.constantFrom('tcp dport', 'udp dport'), fc.integer({ min: 1, max: 65535 }))
    .map(([k, p]) => `${k} ${p}`),
  fc.constantFrom('ct state established,related', 'fib daddr type local', 'meta l4proto { tcp, udp }'),
);
const counter = fc.option(
  fc.tuple(u64, u64).map(([p, b]) => `counter packets ${p} bytes ${b}`),
  { nil: undefined },
);
const verdict = fc.oneof(
  fc.constantFrom('accept', 'drop', 'return', 'reject with icmpx admin-prohibited'),
  name.map((n) => `jump ${n}`),
);
const comment = fc.option(
  fc.stringMatching(/^[A-Za-z0-9 ._-]{0,20}$/).map((c) => `comment "${c}"`),
  { nil: undefined },
);
const rule = fc
  .tuple(fc.array(match, { maxLength: 3 }), counter, verdict, comment)
  .map(([ms, c, v, cm]) => [...ms, c, v, cm].filter((x) => x !== undefined).join(' '));

const baseHeader = fc.option(
  fc
    .tuple(
      fc.constantFrom('filter', 'nat'),
      fc.constantFrom('prerouting', 'input', 'forward', 'output', 'postrouting'),
      fc.constantFrom('filter', 'raw', 'dstnat', '-100', 'filter - 10', 'srcnat + 5'),
      fc.constantFrom('accept', 'drop'),
    )
    .map(([t, h, p, pol]) => `\t\ttype ${t} hook ${h} priority ${p}; policy ${pol};\n`),
  { nil: undefined },
);
const chain = fc
  .tuple(name, baseHeader, fc.array(rule, { maxLength: 4 }))
  .map(([n, h, rs]) => `\tchain ${n} {\n${h ?? ''}${rs.map((r) => `\t\t${r}\n`).join('')}\t}\n`);
const table = fc
  .tuple(
    fc.constantFrom('ip', 'ip6', 'inet'),
    name,
    fc.uniqueArray(chain, { maxLength: 4, selector: (c) => c.split(' ')[1] }),
  )
  .map(([f, n, cs]) => `table ${f} ${n} {\n${cs.join('\n')}}\n`);
const listing = fc
  .uniqueArray(table, { maxLength: 3, selector: (t) => t.split('\n')[0] })
  .map((ts) => ts.join(''));

describe('nft listing properties', () => {
  it('a generated listing prints back byte for byte, counters exact up to 2^64-1', () => {
    fc.assert(
      fc.property(listing, (text) => {
        assert.equal(serializeNftRuleset(parseNftRuleset(text)), text);
      }),
      { numRuns: 300 },
    );
  });

  it('any text is read or refused with an NftParseError of bounded length and no control characters', () => {
    const noise = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc
        .array(
          fc.constantFrom(
            'table ip t {',
            'chain c {',
            '}',
            '{',
            '"',
            'counter packets 1',
            'type filter hook',
            '\x1b[2J',
            'elements = {',
          ),
          { maxLength: 12 },
        )
        .map((a) => a.join('\n')),
    );
    fc.assert(
      fc.property(noise, (text) => {
        try {
          parseNftRuleset(text, { file: 'x.nft' });
        } catch (e) {
          assert.ok(e instanceof NftParseError, `not an NftParseError: ${String(e)}`);
          assert.ok(e.message.length < 1200, `message of ${e.message.length} characters`);
          // biome-ignore lint/suspicious/noControlCharactersInRegex: the property is that none appear
          assert.doesNotMatch(e.message, /[\u0000-\u0008\u000b-\u001f\u007f]/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a 10 MB comment is refused or read without echoing it whole', () => {
    const text = `table ip t {\n\tchain c {\n\t\tcomment "${'x'.repeat(10_000_000)}\n\t}\n}\n`;
    try {
      parseNftRuleset(text);
    } catch (e) {
      assert.ok(e instanceof NftParseError);
      assert.ok(e.message.length < 1200);
    }
  });
});
