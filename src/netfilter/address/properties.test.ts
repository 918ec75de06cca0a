/**
 * Property tests of the address module: every printed form reads back to the same value,
 * containment agrees with the numeric range, and any text either parses or is refused
 * with an AddressError that quotes it (cut and escaped by echo()).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { echo } from '../echo.ts';
import { hostileText } from '../hostile-text.test-helper.ts';
import {
  AddressError,
  canonicalCidr,
  cidr6Contains,
  cidr6Last,
  cidrBroadcast,
  cidrContains,
  formatCidr,
  formatCidr6,
  formatIPv4,
  formatIPv6,
  IPV6_MAX,
  makeCidr,
  makeCidr6,
  parseAddress,
  parseCidr,
  parseCidr6,
  parseIPv4,
  parseIPv6,
  parsePrefix,
} from './index.ts';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u128 = fc.bigInt({ min: 0n, max: IPV6_MAX });
// Addresses with few, long and clustered zero words: where compression choices differ.
const sparse128 = fc
  .array(fc.constantFrom(0, 0, 0, 1, 0xffff, 0xfd00, 0xabc), { minLength: 8, maxLength: 8 })
  .map((words) => words.reduce((acc, w) => (acc << 16n) | BigInt(w), 0n));
const v6 = fc.oneof(u128, sparse128);

test('IPv4: format then parse gives the number back', () => {
  fc.assert(fc.property(u32, (n) => parseIPv4(formatIPv4(n)) === n));
});

test('IPv6: format then parse gives the bigint back, and the text is a fixed point', () => {
  fc.assert(
    fc.property(v6, (n) => {
      const text = formatIPv6(n);
      assert.equal(parseIPv6(text), n);
      assert.equal(formatIPv6(parseIPv6(text)), text);
      assert.equal(text, text.toLowerCase());
      assert.ok(!/(^|:)0[0-9a-f]/.test(text), `no leading zeros in ${text}`);
      assert.ok((text.match(/::/g) ?? []).length <= 1, `at most one :: in ${text}`);
    }),
  );
});

test('IPv6: printed as WHATWG URL hosts print it where no IPv4 tail applies (independent oracle)', () => {
  fc.assert(
    fc.property(v6, (n) => {
      fc.pre(n >> 48n !== 0n); // ::/80 is where inet_ntop may print a dotted IPv4 tail
      assert.equal(formatIPv6(n), new URL(`http://[${formatIPv6(n)}]/`).hostname.slice(1, -1));
    }),
  );
});

test('IPv6: any textual form fast-check writes reads to the value of its printed form', () => {
  fc.assert(
    fc.property(fc.ipV6(), (text) => {
      const n = parseIPv6(text);
      assert.equal(parseIPv6(formatIPv6(n)), n);
    }),
  );
});

test('IPv4 prefix: host bits cleared, contains agrees with the numeric range, round trip', () => {
  fc.assert(
    fc.property(u32, fc.integer({ min: 0, max: 32 }), u32, (addr, prefix, probe) => {
      const c = parseCidr(`${formatIPv4(addr)}/${prefix}`);
      assert.deepEqual(c, makeCidr(addr, prefix));
      assert.ok(cidrContains(c, addr));
      const inRange = probe >= c.network && probe <= cidrBroadcast(c);
      assert.equal(cidrContains(c, probe), inRange);
      assert.deepEqual(parseCidr(formatCidr(c)), c);
      const save = canonicalCidr(`${formatIPv4(addr)}/${prefix}`);
      assert.equal(save, prefix === 0 ? undefined : formatCidr(c));
    }),
  );
});

test('IPv6 prefix: host bits cleared, contains agrees with the numeric range, round trip', () => {
  fc.assert(
    fc.property(v6, fc.integer({ min: 0, max: 128 }), v6, (addr, prefix, probe) => {
      const c = parseCidr6(`${formatIPv6(addr)}/${prefix}`);
      assert.deepEqual(c, makeCidr6(addr, prefix));
      assert.ok(cidr6Contains(c, addr));
      assert.equal(cidr6Contains(c, probe), probe >= c.network && probe <= cidr6Last(c));
      assert.deepEqual(parseCidr6(formatCidr6(c)), c);
      const save = canonicalCidr(`${formatIPv6(addr)}/${prefix}`, 'ipv6');
      assert.equal(save, prefix === 0 ? undefined : formatCidr6(c));
    }),
  );
});

/** Either a value, or an AddressError quoting the input as echo() shows it; nothing else. */
function parsesOrNamesInput(parse: (text: string) => unknown, text: string): void {
  try {
    parse(text);
  } catch (e) {
    assert.ok(e instanceof AddressError, `not an AddressError: ${String(e)}`);
    assert.equal(e.input, text);
    assert.ok(e.message.includes(echo(text)), e.message);
    assert.ok(e.message.length < 450, 'message stays short');
  }
}

test('garbage in: parsers either read it or throw an AddressError naming it', () => {
  const text = fc.oneof(
    hostileText,
    fc.string({ maxLength: 300 }),
    fc.ipV4().map((s) => `${s}x`),
    fc.ipV6().chain((s) => fc.constantFrom(`${s}/129`, `${s}%eth0`, `${s}:`, `${s}/`, ` ${s}`)),
    fc.ipV4().chain((s) => fc.constantFrom(`${s}/33`, `${s}/-1`, `${s}/1.2.3.4`, `${s}/`)),
  );
  fc.assert(
    fc.property(text, (t) => {
      parsesOrNamesInput(parseAddress, t);
      parsesOrNamesInput(parsePrefix, t);
      parsesOrNamesInput(parseIPv4, t);
      parsesOrNamesInput(parseIPv6, t);
      parsesOrNamesInput((s) => canonicalCidr(s), t);
      parsesOrNamesInput((s) => canonicalCidr(s, 'ipv6'), t);
    }),
  );
});
