import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  cellMatches,
  formatDestination,
  formatSource,
  formatVerdict,
  parseDestination,
  parseExpected,
  parseSource,
  pastTheHost,
} from './header.ts';
import {
  type Destination,
  EXTERNAL_WORD,
  HOST_WORD,
  MatrixSyntaxError,
  NEIGHBOUR_WORD,
  type Source,
  VERDICTS,
} from './types.ts';

const name = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,20}$/);
const ipv4 = fc.ipV4();
const fixed = fc.constantFrom(HOST_WORD, EXTERNAL_WORD, NEIGHBOUR_WORD);
const destination: fc.Arbitrary<Destination> = fc.oneof(
  fc.record({
    to: fc.oneof(name, ipv4, fixed),
    port: fc.constant(null),
    proto: fc.constant('icmp' as const),
  }),
  fc.record({
    to: fc.oneof(name, ipv4, fixed),
    port: fc.integer({ min: 1, max: 65535 }),
    proto: fc.constantFrom('tcp' as const, 'udp' as const),
  }),
);

/** Every word either parses or is refused with a MatrixSyntaxError that quotes it: never another throw. */
function parsesOrRefuses(parse: (t: string) => unknown, text: string): void {
  try {
    parse(text);
  } catch (e) {
    assert.ok(e instanceof MatrixSyntaxError, String(e));
    assert.match(e.message, /^".*" is not a/s);
  }
}

test('destinations: format then parse is the identity', () => {
  fc.assert(
    fc.property(destination, (d) => {
      assert.deepEqual(parseDestination(formatDestination(d)), { ...d });
    }),
    { numRuns: 500 },
  );
});

test('destinations: surrounding spaces and the word case of the fixed actors do not matter', () => {
  fc.assert(
    fc.property(destination, fc.constantFrom('', ' ', '  '), (d, sp) => {
      assert.deepEqual(parseDestination(`${sp}${formatDestination(d)}${sp}`), { ...d });
    }),
  );
  assert.deepEqual(parseDestination('The Host:8080'), { to: HOST_WORD, port: 8080, proto: 'tcp' });
  assert.deepEqual(parseDestination('web:53/UDP'), { to: 'web', port: 53, proto: 'udp' });
  assert.deepEqual(parseDestination('web:80/tcp'), { to: 'web', port: 80, proto: 'tcp' });
});

test('sources: format then parse is the identity', () => {
  const source = fc.oneof(
    name.map((n) => ({ kind: 'container' as const, name: n })),
    fc.constantFrom({ kind: 'host' as const }, { kind: 'external' as const }, { kind: 'neighbour' as const }),
  );
  fc.assert(fc.property(source, (s) => assert.deepEqual(parseSource(formatSource(s)), { ...s })));
});

test('any text: a source, a destination, an expected cell, or a MatrixSyntaxError', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (t) => {
      parsesOrRefuses(parseSource, t);
      parsesOrRefuses(parseDestination, t);
      parsesOrRefuses(parseExpected, t);
    }),
    { numRuns: 500 },
  );
});

test('bad words are refused with the forms that are accepted', () => {
  assert.throws(() => parseDestination('web:0'), /port 0 is not 1\.\.65535/);
  assert.throws(() => parseDestination('web:65536'), /port 65536 is not 1\.\.65535/);
  assert.throws(() => parseDestination('web:80/sctp'), MatrixSyntaxError);
  assert.throws(() => parseDestination(''), MatrixSyntaxError);
  assert.throws(() => parseDestination('-web'), /NAME:PORT\/udp/);
  assert.throws(() => parseSource('two words'), /is not a source: expected a container name/);
  assert.throws(() => parseSource('constructor x'), MatrixSyntaxError);
  assert.throws(() => parseExpected('constructor'), /expected ✓ or ✗/);
  assert.throws(() => parseExpected('maybe'), MatrixSyntaxError);
});

test('expected cells: ✓ and ✗ and the precise outcomes; a formatted verdict reads back as itself', () => {
  assert.equal(parseExpected('✓'), 'delivered');
  assert.equal(parseExpected(' ✗ '), 'blocked');
  assert.equal(parseExpected('Refused'), 'refused');
  for (const v of VERDICTS) {
    assert.equal(parseExpected(formatVerdict(v)), v);
    assert.equal(cellMatches('blocked', v), v !== 'delivered');
    assert.equal(cellMatches(v, v), true);
  }
  assert.equal(cellMatches('timeout', 'refused'), false);
});

test('pairs past the host: only the LAN machines to each other or themselves; the parsed neighbour words', () => {
  const source: fc.Arbitrary<Source> = fc.oneof(
    name.map((n) => ({ kind: 'container' as const, name: n })),
    fc.constantFrom<Source>({ kind: 'host' }, { kind: 'external' }, { kind: 'neighbour' }),
  );
  const lan = new Set([EXTERNAL_WORD, NEIGHBOUR_WORD]);
  fc.assert(
    fc.property(source, destination, (s, d) => {
      const from = formatSource(s);
      const past = pastTheHost(s, d);
      assert.equal(past !== undefined, lan.has(from) && lan.has(d.to), `${from} → ${d.to}`);
      // The reason names both ends, in the table's words.
      if (past !== undefined) assert.ok(past.includes(from) && past.includes(d.to), past);
      // Through the parsers, as a table is read: the same answer.
      assert.equal(pastTheHost(parseSource(from), parseDestination(formatDestination(d))), past);
    }),
    { numRuns: 500 },
  );
  assert.deepEqual(parseSource(' The  Neighbour '), { kind: 'neighbour' });
  assert.deepEqual(parseDestination('the neighbour:22'), { to: NEIGHBOUR_WORD, port: 22, proto: 'tcp' });
  assert.match(pastTheHost({ kind: 'neighbour' }, parseDestination('the external client')) ?? '', /LAN/);
  assert.equal(pastTheHost({ kind: 'host' }, parseDestination('the neighbour')), undefined);
});
