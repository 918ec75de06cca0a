/** The external client's route to a container subnet via the Docker host, per family. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { OUTSIDE_IPV6 } from '../dind/outside-world-ipv6.ts';
import { routeViaHostArgv } from './dind-traffic.ts';

test('an IPv4 subnet goes via the host eth0 address, an IPv6 one via its fd70::6 (ip -6)', () => {
  assert.deepEqual(routeViaHostArgv('172.18.0.0/16', '192.168.70.6'), [
    'ip',
    'route',
    'replace',
    '172.18.0.0/16',
    'via',
    '192.168.70.6',
    'quickack',
    '1',
  ]);
  assert.deepEqual(routeViaHostArgv('fd00:1::/64', '192.168.70.6'), [
    'ip',
    '-6',
    'route',
    'replace',
    'fd00:1::/64',
    'via',
    OUTSIDE_IPV6.host,
    'quickack',
    '1',
  ]);
});

test('the subnet is one argv word whatever it holds, and the gateway is of its family', () => {
  fc.assert(
    fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer({ min: 0, max: 128 }), (address, prefix) => {
      const cidr = `${address}/${prefix}`;
      const argv = routeViaHostArgv(cidr, '192.168.70.6');
      assert.equal(argv.filter((w) => w === cidr).length, 1);
      const via = argv[argv.indexOf('via') + 1] ?? '';
      assert.equal(via.includes(':'), cidr.includes(':'));
      assert.equal(argv.includes('-6'), cidr.includes(':'));
    }),
  );
});
