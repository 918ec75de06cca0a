import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AddressError,
  addressFamily,
  canonicalAddress,
  canonicalCidr,
  canonicalPrefix,
  cidrBroadcast,
  cidrContains,
  formatCidr,
  formatCidr6,
  formatIPv4,
  formatIPv6,
  isCidr,
  listingAddress,
  nextCidr,
  nextCidr6,
  parseAddress,
  parseCidr,
  parseCidr6,
  parseIPv4,
  parseIPv6,
  parsePrefix,
  prefixContains,
} from './index.ts';

describe('IPv4', () => {
  test('parses and prints dotted quads as u32', () => {
    assert.equal(parseIPv4('172.17.0.2'), 0xac110002);
    assert.equal(formatIPv4(0xac110002), '172.17.0.2');
    assert.equal(formatIPv4(0xffffffff), '255.255.255.255');
  });
  test('refuses what is not four decimal parts, naming the text', () => {
    for (const bad of ['172.17.0', '1.2.3.4 ', '01.2.3.4', '256.0.0.1', 'fd00::1', '']) {
      assert.throws(
        () => parseIPv4(bad),
        (e: unknown) => e instanceof AddressError && e.input === bad && e.message.includes(`"${bad}"`),
      );
    }
  });
  test('a prefix clears host bits, takes a dotted mask, refuses a bad length', () => {
    assert.equal(formatCidr(parseCidr('172.17.0.1/16')), '172.17.0.0/16');
    assert.equal(formatCidr(parseCidr('10.1.2.3/255.255.255.0')), '10.1.2.0/24');
    assert.equal(formatCidr(parseCidr('10.1.2.3')), '10.1.2.3/32');
    assert.throws(() => parseCidr('172.17.0.1/40'), /"172\.17\.0\.1\/40" has a bad prefix length/);
    assert.throws(() => parseCidr('10.0.0.0/255.0.255.0'), /bad prefix length/);
  });
  test('contains, broadcast, next', () => {
    const c = parseCidr('172.18.0.0/16');
    assert.ok(cidrContains(c, parseIPv4('172.18.255.255')));
    assert.ok(!cidrContains(c, parseIPv4('172.19.0.0')));
    assert.equal(formatIPv4(cidrBroadcast(c)), '172.18.255.255');
    assert.equal(formatCidr(nextCidr(c) ?? c), '172.19.0.0/16');
    assert.equal(nextCidr(parseCidr('255.255.0.0/16')), undefined);
  });
  test('isCidr is Go net.ParseCIDR form', () => {
    assert.ok(isCidr('172.18.0.0/16'));
    assert.ok(!isCidr('172.18.0.0'));
    assert.ok(!isCidr('172.18.0.0/33'));
    assert.ok(!isCidr('172.18.0.0/255.255.0.0'));
  });
});

describe('IPv6', () => {
  const printed: Array<[string, string]> = [
    ['fd00::1', 'fd00::1'],
    ['FD00:0:0:0:0:0:0:1', 'fd00::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['::1', '::1'],
    ['fe80:0000::0001', 'fe80::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['fd30:0:0:0::', 'fd30::'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::ffff:102:304', '::ffff:1.2.3.4'],
    ['::2:3', '::0.2.0.3'],
  ];
  for (const [input, output] of printed) {
    test(`${input} prints as inet_ntop does: ${output}`, () => {
      assert.equal(formatIPv6(parseIPv6(input)), output);
      assert.equal(canonicalAddress(input), output);
    });
  }
  test('refuses garbage and zone indexes, naming the text', () => {
    for (const bad of ['1::2::3', 'fe80::1%eth0', ' ::1', '12345::', '172.17.0.1', 'g::1']) {
      assert.throws(
        () => parseIPv6(bad),
        (e: unknown) => e instanceof AddressError && e.message.includes(`"${bad}"`),
      );
    }
  });
  test('a prefix clears host bits, takes a mask, refuses a bad length', () => {
    assert.equal(formatCidr6(parseCidr6('fd00::1/64')), 'fd00::/64');
    assert.equal(formatCidr6(parseCidr6('fd00:1:2:3:4::1/ffff:ffff:ffff::')), 'fd00:1:2::/48');
    assert.equal(formatCidr6(parseCidr6('::1')), '::1/128');
    assert.throws(() => parseCidr6('fd00::/129'), /"fd00::\/129" has a bad prefix length/);
    assert.equal(formatCidr6(nextCidr6(parseCidr6('fd00::/64')) ?? parseCidr6('::/0')), 'fd00:0:0:1::/64');
  });
});

describe('either family', () => {
  test('family, parse, contains across families', () => {
    assert.equal(addressFamily('172.17.0.1'), 'ipv4');
    assert.equal(addressFamily('fd00::1'), 'ipv6');
    assert.equal(addressFamily('docker0'), undefined);
    const v6 = parsePrefix('fd30::1/64');
    assert.equal(canonicalPrefix('fd30::1/64'), 'fd30::/64');
    assert.ok(prefixContains(v6, parseAddress('fd30::ffff')));
    assert.ok(!prefixContains(v6, parseAddress('172.30.0.1')));
    assert.ok(!prefixContains(parsePrefix('0.0.0.0/0'), parseAddress('::1')));
    assert.throws(() => parseAddress('172.17.0.1', 'ipv6'), /"172\.17\.0\.1" is not an IPv6 address/);
    assert.throws(() => parsePrefix('web/16'), /"web\/16" is not an IP prefix/);
  });
  test('a message quotes a long or control-laden input cut and escaped', () => {
    const long = `1.2.3.4\x1b[31m${'x'.repeat(10_000)}`;
    assert.throws(
      () => parseAddress(long),
      (e: unknown) =>
        e instanceof AddressError &&
        e.message.length < 400 &&
        !e.message.includes('\x1b') &&
        e.message.includes('\\x1b'),
    );
  });
});

describe('iptables forms', () => {
  test('IPv4 -s/-d as iptables-save prints them', () => {
    assert.equal(canonicalCidr('172.17.0.1/16'), '172.17.0.0/16');
    assert.equal(canonicalCidr('172.17.0.2'), '172.17.0.2/32');
    assert.equal(canonicalCidr('10.0.0.0/255.0.0.0'), '10.0.0.0/8');
    assert.equal(canonicalCidr('0/0'), undefined);
    assert.equal(canonicalCidr('0.0.0.0/0'), undefined);
    assert.throws(() => canonicalCidr('example.com'), /host\/network "example\.com" not found/);
    assert.throws(() => canonicalCidr('10.0.0.0/33'), AddressError);
    assert.throws(() => canonicalCidr('fd00::/64'), AddressError);
  });
  test('IPv6 -s/-d as ip6tables-save prints them', () => {
    assert.equal(canonicalCidr('FD00::1/64', 'ipv6'), 'fd00::/64');
    assert.equal(canonicalCidr('fd00::2', 'ipv6'), 'fd00::2/128');
    assert.equal(canonicalCidr('::/0', 'ipv6'), undefined);
    assert.equal(canonicalCidr('fd00::/ffff:ffff::', 'ipv6'), 'fd00::/32');
    assert.throws(() => canonicalCidr('fd00::/129', 'ipv6'), /write an IPv6 address/);
    assert.throws(() => canonicalCidr('10.0.0.1', 'ipv6'), AddressError);
  });
  test('listing forms', () => {
    assert.equal(listingAddress(undefined), '0.0.0.0/0');
    assert.equal(listingAddress('172.18.0.66/32'), '172.18.0.66');
    assert.equal(listingAddress('172.18.0.0/16'), '172.18.0.0/16');
    assert.equal(listingAddress(undefined, 'ipv6'), '::/0');
    assert.equal(listingAddress('fd00::2/128', 'ipv6'), 'fd00::2');
  });
});

test('a dotted IPv4 tail keeps the words written before it (ipaddr.js would map ::1.2.3.4 to ::ffff:1.2.3.4)', () => {
  assert.equal(parseIPv6('::1.2.3.4'), 0x01020304n);
  assert.equal(parseIPv6('::ffff:1.2.3.4'), 0xffff01020304n);
  assert.equal(formatIPv6(parseIPv6('1::1.2.3.4')), '1::102:304');
  assert.throws(() => parseIPv6('::1.2.3'), AddressError);
  assert.throws(() => parseIPv6('1.2::3'), AddressError);
});
