/**
 * The IPv6 readers of `nettwin snapshot`: `ip -j addr`'s inet6 addresses and `ip -j -6
 * route`, and the forms the snapshot file keeps. Property tests: whatever `ip` (or a
 * corrupt host) prints, the readers give values the schema accepts, or leave the entry
 * out and say so; never a crash, never a value in another spelling.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatIPv6, IPV6_MAX, ipv6Words, parseCidr6 } from '../netfilter/address/index.ts';
import { hostileText } from '../netfilter/hostile-text.test-helper.ts';
import { isInterfaceName } from '../netfilter/kernel-names.ts';
import {
  ipv6Text,
  isCanonicalCidr6,
  isCanonicalIPv6,
  parseIp6Addresses,
  parseIp6RouteJson,
  twinRoute6,
} from './ip6.ts';

const u128 = fc.bigInt({ min: 0n, max: IPV6_MAX });
/** Addresses with runs of zero words, where compression is decided. */
const sparse = fc
  .array(fc.constantFrom(0, 0, 0, 1, 0xffff, 0xfd30, 0xabc), { minLength: 8, maxLength: 8 })
  .map((ws) => ws.reduce((acc, w) => (acc << 16n) | BigInt(w), 0n));
const v6 = fc.oneof(u128, sparse);
/** Another spelling of the same address: every word written out, upper case. */
const longForm = (n: bigint) =>
  ipv6Words(n)
    .map((w) => w.toString(16).toUpperCase().padStart(4, '0'))
    .join(':');
const ifname = fc.stringMatching(/^[A-Za-z0-9_.-]{1,15}$/).filter(isInterfaceName);

describe('IPv6 text forms', () => {
  it('property: the printed form is canonical; every other spelling reads to it and is not', () => {
    fc.assert(
      fc.property(v6, (n) => {
        const text = formatIPv6(n);
        assert.ok(isCanonicalIPv6(text), text);
        assert.equal(ipv6Text(longForm(n)), text);
        if (longForm(n) !== text) assert.ok(!isCanonicalIPv6(longForm(n)));
      }),
    );
  });

  it('property: hostile text is neither an address nor a CIDR', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        assert.ok(!isCanonicalIPv6(text) || ipv6Text(text) === text);
        assert.ok(!/[;|&$`'"\s<>()\\*]/.test(text) || (!isCanonicalIPv6(text) && !isCanonicalCidr6(text)));
      }),
    );
    for (const bad of ['fd30::2%eth0', 'fd30::2;id', 'FD30::2', 'fd30:0::2', '::ffff:1.2.3.4x', ''])
      assert.ok(!isCanonicalIPv6(bad), bad);
  });

  it('property: a CIDR is canonical only as its network address with the prefix', () => {
    fc.assert(
      fc.property(v6, fc.integer({ min: 0, max: 128 }), (n, prefix) => {
        const network = formatIPv6(parseCidr6(`${formatIPv6(n)}/${prefix}`).network);
        assert.ok(isCanonicalCidr6(`${network}/${prefix}`));
        const written = `${formatIPv6(n)}/${prefix}`;
        assert.equal(isCanonicalCidr6(written), written === `${network}/${prefix}`);
      }),
    );
    for (const bad of ['fd30::/129', 'fd30::', 'fd30::/64;id', 'fd30::1/64', 'default'])
      assert.ok(!isCanonicalCidr6(bad), bad);
  });
});

describe('parseIp6Addresses (ip -j addr)', () => {
  it('keeps inet6 addresses per interface, in ip order, in the printed form', () => {
    const json = JSON.stringify([
      {
        ifname: 'eth0',
        addr_info: [
          { family: 'inet', local: '192.168.70.6', prefixlen: 24 },
          { family: 'inet6', local: 'FD70:0:0::6', prefixlen: 64 },
          { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link' },
        ],
      },
      { ifname: 'lo;id', addr_info: [{ family: 'inet6', local: '::1', prefixlen: 128 }] },
      { ifname: 'br0', addr_info: [{ family: 'inet6', local: 'fd30::1;id', prefixlen: 64 }] },
    ]);
    const { value, skipped } = parseIp6Addresses(json);
    assert.deepEqual(Object.fromEntries(value), {
      eth0: [
        { address: 'fd70::6', prefix: 64 },
        { address: 'fe80::1', prefix: 64 },
      ],
    });
    assert.match(skipped.join('\n'), /br0: inet6 "fd30::1;id"\/64 is not an IPv6 address/);
  });

  it('property: any address and prefix ip prints is kept canonical, or left out and said', () => {
    const entry = fc.record({
      ifname,
      addr_info: fc.array(
        fc.record({
          family: fc.constantFrom('inet6', 'inet6', 'inet'),
          local: fc.oneof(v6.map(formatIPv6), v6.map(longForm), hostileText),
          prefixlen: fc.oneof(fc.integer({ min: 0, max: 128 }), fc.integer(), fc.constant(Number.NaN)),
        }),
        { maxLength: 4 },
      ),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 4 }), (entries) => {
        const { value, skipped } = parseIp6Addresses(JSON.stringify(entries));
        const offered = entries.flatMap((e) => e.addr_info.filter((a) => a.family === 'inet6'));
        const kept = [...value.values()].flat();
        assert.equal(kept.length + skipped.length, offered.length);
        for (const a of kept) {
          assert.ok(isCanonicalIPv6(a.address), a.address);
          assert.ok(Number.isInteger(a.prefix) && a.prefix >= 0 && a.prefix <= 128);
        }
      }),
    );
  });

  it('property: foreign JSON never crashes the reader', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 5 }), (entries) => {
        const { value } = parseIp6Addresses(JSON.stringify(entries));
        for (const [name, list] of value) {
          assert.ok(isInterfaceName(name));
          for (const a of list) assert.ok(isCanonicalIPv6(a.address));
        }
      }),
    );
    assert.throws(() => parseIp6Addresses('{"not":"an array"}'), /did not print a JSON array/);
    assert.throws(() => parseIp6Addresses('[{'), /did not print JSON/);
  });
});

describe('parseIp6RouteJson (ip -j -6 route)', () => {
  it('reads unicast routes; a bare address is a /128; others are left out and said', () => {
    const json = JSON.stringify([
      { dst: 'fd30::/64', dev: 'bridge1', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
      { dst: 'default', gateway: 'FD70::1', dev: 'eth0', metric: 1024, flags: [] },
      { dst: 'fd99::5', dev: 'eth0', prefsrc: 'fd70::6' },
      { dst: 'fd31::1/64', dev: 'eth0' },
      { type: 'unreachable', dst: 'fd00:dead::/32', dev: 'lo' },
      { dst: 'fd40::/64', nexthops: [{ gateway: 'fd70::2', dev: 'eth0' }] },
      { dst: 'fd41::/64', gateway: 'inet 192.0.2.1', dev: 'eth0' },
      { dst: 'fd42::/64', dev: 'eth0;reboot' },
      { dst: '10.0.0.0/8', dev: 'eth0' },
    ]);
    const { value, skipped } = parseIp6RouteJson(json);
    assert.deepEqual(value, [
      { destination: 'fd30::/64', dev: 'bridge1' },
      { destination: 'default', dev: 'eth0', via: 'fd70::1' },
      { destination: 'fd99::5/128', dev: 'eth0', src: 'fd70::6' },
      // Host bits cleared, as the kernel stores the route.
      { destination: 'fd31::/64', dev: 'eth0' },
    ]);
    assert.equal(skipped.length, 5);
    assert.match(skipped.join('\n'), /type "unreachable"/);
    assert.match(skipped.join('\n'), /multipath/);
    assert.deepEqual(twinRoute6(value[1] as never), { destination: '::/0', dev: 'eth0', via: 'fd70::1' });
  });

  it('property: every route kept has a canonical destination and next hop and a kernel interface name', () => {
    const dst = fc.oneof(
      fc.constant('default'),
      fc.tuple(v6, fc.integer({ min: 0, max: 128 })).map(([n, p]) => `${formatIPv6(n)}/${p}`),
      fc.tuple(v6, fc.integer({ min: 0, max: 128 })).map(([n, p]) => `${longForm(n)}/${p}`),
      v6.map(formatIPv6),
      hostileText,
    );
    const route = fc.record(
      {
        type: fc.constantFrom('unicast', 'unreachable', 'blackhole', 'local'),
        dst,
        dev: fc.oneof(ifname, hostileText),
        gateway: fc.oneof(v6.map(formatIPv6), v6.map(longForm), hostileText),
        prefsrc: fc.oneof(v6.map(formatIPv6), hostileText),
      },
      { requiredKeys: ['dst'] },
    );
    fc.assert(
      fc.property(fc.array(route, { maxLength: 6 }), (entries) => {
        const { value, skipped } = parseIp6RouteJson(JSON.stringify(entries));
        assert.equal(value.length + skipped.length, entries.length);
        for (const r of value) {
          assert.ok(r.destination === 'default' || isCanonicalCidr6(r.destination), r.destination);
          assert.ok(isInterfaceName(r.dev), r.dev);
          if (r.via !== undefined) assert.ok(isCanonicalIPv6(r.via), r.via);
          if (r.src !== undefined) assert.ok(isCanonicalIPv6(r.src), r.src);
        }
      }),
    );
  });

  it('property: foreign JSON never crashes the reader', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 5 }), (entries) => {
        for (const r of parseIp6RouteJson(JSON.stringify(entries)).value) {
          assert.ok(r.destination === 'default' || isCanonicalCidr6(r.destination));
        }
      }),
    );
  });
});
