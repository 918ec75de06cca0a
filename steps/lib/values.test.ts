import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalAddress } from '../../src/netfilter/address/index.ts';
import {
  cidrContains,
  parseCidr,
  parseCount,
  parseHttpUrl,
  parseIp,
  parseName,
  parsePortMapping,
  parsePortMappings,
  ValueError,
} from './values.ts';

test('parseIp accepts dotted quads and refuses the rest with the offending text', () => {
  assert.equal(parseIp('172.18.0.66'), '172.18.0.66');
  assert.throws(() => parseIp('172.18.0'), /"172\.18\.0" is not an IP address/);
  assert.throws(() => parseIp('fd00::2', 'ipv4'), /"fd00::2" is not an IPv4 address/);
  assert.throws(() => parseIp('172.18.0.2', 'ipv6'), /is not an IPv6 address \(expected e\.g\. fd00:1::2\)/);
  assert.throws(() => parseIp('172.18.0.256'), ValueError);
  assert.throws(() => parseIp('172.018.0.1'), ValueError);
});

test('parseIp round-trips every IPv4 address', () => {
  fc.assert(
    fc.property(fc.ipV4(), (ip) => {
      assert.equal(parseIp(ip), ip);
    }),
  );
});

test('parseIp takes IPv6 in the form the listings print, and names the canonical form', () => {
  assert.equal(parseIp('fd00:1::2'), 'fd00:1::2');
  assert.equal(parseIp('::'), '::');
  assert.throws(() => parseIp('FD00:1::2'), /not written canonically; write fd00:1::2/);
  assert.throws(() => parseIp('fd00:1:0:0:0:0:0:2'), /write fd00:1::2/);
  assert.throws(() => parseIp('fd00::1::2'), /not an IP address/);
});

test('parseIp round-trips every IPv6 address in its canonical text, and refuses other spellings', () => {
  fc.assert(
    fc.property(fc.ipV6(), (ip) => {
      const canonical = canonicalAddress(ip);
      assert.equal(parseIp(canonical), canonical);
      assert.equal(parseIp(canonical, 'ipv6'), canonical);
      if (ip !== canonical)
        assert.throws(() => parseIp(ip), new RegExp(`write ${canonical.replaceAll('.', '\\.')}`));
    }),
  );
});

test('parseCidr takes IPv6 networks with prefixes up to 128', () => {
  assert.equal(parseCidr('fd00:1::/64'), 'fd00:1::/64');
  assert.equal(parseCidr('fd00:1::/64', 'ipv6'), 'fd00:1::/64');
  assert.throws(() => parseCidr('fd00:1::1/64'), /host bits set; the network is fd00:1::\/64/);
  assert.throws(() => parseCidr('fd00:1::/129'), /prefix "129"; expected 0 to 128/);
  assert.throws(() => parseCidr('172.18.0.0/16', 'ipv6'), /not an IPv6 address/);
  assert.equal(cidrContains('fd00:1::/64', 'fd00:1::3'), true);
  assert.equal(cidrContains('fd00:1::/64', 'fd00:2::3'), false);
  assert.equal(cidrContains('172.18.0.0/16', 'fd00:1::3'), false);
});

test('parseCidr requires a prefix and clear host bits', () => {
  assert.equal(parseCidr('172.18.0.0/16'), '172.18.0.0/16');
  assert.throws(() => parseCidr('172.18.0.1/16'), /host bits set; the network is 172\.18\.0\.0\/16/);
  assert.throws(() => parseCidr('172.18.0.0'), /not a CIDR/);
  assert.throws(() => parseCidr('172.18.0.0/33'), /prefix "33"/);
});

test('cidrContains agrees with the prefix', () => {
  assert.equal(cidrContains('172.18.0.0/16', '172.18.200.3'), true);
  assert.equal(cidrContains('172.18.0.0/16', '172.19.0.3'), false);
});

test('parsePortMapping reads the docker run -p forms', () => {
  assert.deepEqual(parsePortMapping('8080:80'), { hostPort: 8080, containerPort: 80, protocol: 'tcp' });
  assert.deepEqual(parsePortMapping('127.0.0.1:8080:80/udp'), {
    hostIp: '127.0.0.1',
    hostPort: 8080,
    containerPort: 80,
    protocol: 'udp',
  });
  assert.deepEqual(parsePortMapping('80'), { containerPort: 80, protocol: 'tcp' });
  assert.deepEqual(parsePortMapping('127.0.0.1::80'), {
    hostIp: '127.0.0.1',
    containerPort: 80,
    protocol: 'tcp',
  });
  assert.throws(() => parsePortMapping('8080:80/sctp'), /protocol "sctp"/);
  assert.throws(() => parsePortMapping('70000:80'), /host port "70000"/);
  assert.throws(() => parsePortMapping('a:b:c:d'), /not a port mapping/);
});

test('parsePortMapping reads an IPv6 host address in brackets, and only there', () => {
  assert.deepEqual(parsePortMapping('[::]:8080:80'), {
    hostIp: '::',
    hostPort: 8080,
    containerPort: 80,
    protocol: 'tcp',
  });
  assert.deepEqual(parsePortMapping('[::1]::53/udp'), { hostIp: '::1', containerPort: 53, protocol: 'udp' });
  assert.throws(() => parsePortMapping('[127.0.0.1]:8080:80'), /not an IPv6 address/);
  assert.throws(() => parsePortMapping('[::]:80'), /not a port/);
  assert.throws(() => parsePortMapping('[::]:1:2:3'), /not a port mapping/);
  assert.throws(() => parsePortMapping('::1:8080:80'), /not/);
  fc.assert(
    fc.property(
      fc.ipV6(),
      fc.integer({ min: 1, max: 65535 }),
      fc.integer({ min: 1, max: 65535 }),
      (ip, h, c) => {
        let canonical: string;
        try {
          canonical = parseIp(ip, 'ipv6');
        } catch {
          // fast-check writes some addresses in a non-canonical form: the steps refuse those.
          assert.throws(() => parsePortMapping(`[${ip}]:${h}:${c}`), /canonically|not an IPv6/);
          return;
        }
        assert.deepEqual(parsePortMapping(`[${canonical}]:${h}:${c}`), {
          hostIp: canonical,
          hostPort: h,
          containerPort: c,
          protocol: 'tcp',
        });
      },
    ),
  );
});

test('parsePortMappings splits lists', () => {
  assert.equal(parsePortMappings('8080:80, 8443:443').length, 2);
  assert.equal(parsePortMappings('8080:80 and 8443:443')[1]?.containerPort, 443);
});

test('parseCount and parseName refuse nonsense', () => {
  assert.equal(parseCount('3'), 3);
  assert.throws(() => parseCount('0'), ValueError);
  assert.equal(parseName('nginx-demo', 'container'), 'nginx-demo');
  assert.throws(() => parseName('-x', 'container'), /not a valid container name/);
  assert.throws(() => parseName('a', 'container'), /at least 2/);
  assert.equal(parseName('a', 'network'), 'a');
  assert.throws(() => parseName('a-very-long-bridge', 'bridge'), /at most 15/);
});

test('parseHttpUrl keeps host, port and path', () => {
  assert.deepEqual(parseHttpUrl('http://192.168.70.6:8080/'), {
    url: 'http://192.168.70.6:8080/',
    host: '192.168.70.6',
    port: 8080,
    path: '/',
  });
  assert.equal(parseHttpUrl('http://nginx-demo/').port, 80);
  assert.throws(() => parseHttpUrl('https://x/'), /not an http:\/\/ URL/);
});
