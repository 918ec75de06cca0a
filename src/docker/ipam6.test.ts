import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cidr6Contains, formatIPv6, parseCidr6, parseIPv6 } from '../netfilter/address/index.ts';
import { IpamError } from './ipam.ts';
import {
  allocateSubnet6,
  canonicalSubnet6,
  firstHost6,
  macDerivedAddress,
  SubnetAddresses6,
  ulaBasePool,
} from './ipam6.ts';
import { PublishError, parsePublish } from './publish.ts';

const v6 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });

test('SubnetAddresses6: gateway ::1, then ::2, ::3; a released address comes back first', () => {
  const a = new SubnetAddresses6('fd00:1::/64');
  a.reserve(firstHost6('fd00:1::/64'));
  assert.equal(a.allocate(), 'fd00:1::2');
  assert.equal(a.allocate(), 'fd00:1::3');
  a.release('fd00:1::2');
  assert.equal(a.allocate(), 'fd00:1::2');
  assert.throws(() => a.reserve('fd00:1::3'), /Address already in use/);
  assert.throws(() => a.reserve('fd00:2::3'), /not in subnet/);
  assert.throws(() => a.reserve('fd00:1::'), IpamError);
});

test('property: allocations stay in the subnet, are distinct, and never the subnet-router anycast address', () => {
  fc.assert(
    fc.property(v6, fc.integer({ min: 64, max: 126 }), fc.integer({ min: 1, max: 3 }), (addr, prefix, n) => {
      const subnet = parseCidr6(`${formatIPv6(addr)}/${prefix}`);
      const text = `${formatIPv6(subnet.network)}/${prefix}`;
      const a = new SubnetAddresses6(text);
      const got = new Set<string>();
      for (let k = 0; k < n; k++) {
        let x: string;
        try {
          x = a.allocate();
        } catch (e) {
          assert.ok(e instanceof IpamError);
          return;
        }
        assert.ok(cidr6Contains(subnet, parseIPv6(x)));
        assert.notEqual(parseIPv6(x), subnet.network);
        assert.ok(!got.has(x));
        got.add(x);
      }
    }),
  );
});

test('canonicalSubnet6 (the validator of --fixed-cidr-v6): canonical CIDRs only, host bits cleared', () => {
  assert.equal(canonicalSubnet6('fd00:1::5/64'), 'fd00:1::/64');
  assert.equal(canonicalSubnet6('fd00:1::'), undefined);
  assert.equal(canonicalSubnet6('172.17.0.0/16'), undefined);
  fc.assert(
    fc.property(v6, fc.integer({ min: 0, max: 128 }), (addr, prefix) => {
      const c = canonicalSubnet6(`${formatIPv6(addr)}/${prefix}`);
      assert.ok(c !== undefined);
      assert.equal(canonicalSubnet6(c), c);
      assert.ok(cidr6Contains(parseCidr6(c), addr));
    }),
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), (text) => {
      const c = canonicalSubnet6(text);
      if (c !== undefined) assert.equal(canonicalSubnet6(c), c);
    }),
  );
});

test('macDerivedAddress: the subnet with 02:42 and the IPv4 address in the last 48 bits', () => {
  assert.equal(macDerivedAddress('2001:db8:1::/64', '172.17.0.2'), '2001:db8:1::242:ac11:2');
  assert.throws(() => macDerivedAddress('2001:db8:1::/96', '172.17.0.2'), /At least 48 host bits/);
  fc.assert(
    fc.property(v6, fc.integer({ min: 0, max: 80 }), fc.ipV4(), (addr, prefix, ipv4) => {
      const subnet = `${formatIPv6(addr)}/${prefix}`;
      const x = parseIPv6(macDerivedAddress(subnet, ipv4));
      assert.ok(cidr6Contains(parseCidr6(subnet), x));
      const v4 = ipv4.split('.').reduce((n, o) => (n << 8n) | BigInt(o), 0n);
      assert.equal(x & 0xffffffffn, v4);
      assert.equal((x >> 32n) & 0xffffn, 0x0242n);
    }),
  );
});

test('the ULA pool: an fd00::/8 /48 from the seed, /64s handed out lowest free first', () => {
  const base = ulaBasePool(7);
  assert.equal(base.prefix, 48);
  assert.equal(base.network >> 120n, 0xfdn);
  assert.deepEqual(ulaBasePool(7), base);
  const first = allocateSubnet6(7, []);
  const second = allocateSubnet6(7, [first]);
  assert.notEqual(first, second);
  assert.equal(allocateSubnet6(7, [second]), first);
});

test('parsePublish: bracketed IPv6 host addresses; property: a bracketed address survives as hostIp', () => {
  assert.deepEqual(parsePublish('[::]:8080:80'), [
    { hostIp: '::', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
  ]);
  assert.deepEqual(parsePublish('[fd00::1]::53/udp'), [
    { hostIp: 'fd00::1', containerPort: 53, protocol: 'udp' },
  ]);
  assert.throws(() => parsePublish('[1:2:3:4:5:6:7:8:9]:80:80'), PublishError);
  fc.assert(
    fc.property(v6, fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 }), (addr, h, c) => {
      const ip = formatIPv6(addr);
      assert.deepEqual(parsePublish(`[${ip}]:${h}:${c}`), [
        { hostIp: ip, hostPort: h, containerPort: c, protocol: 'tcp' },
      ]);
    }),
  );
});
