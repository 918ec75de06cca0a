import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { networkCreateArgs, parseIpamConfigs } from './dind-networks.ts';

test('an IPv4 network is created with the same argv as before', () => {
  assert.deepEqual(
    networkCreateArgs({ name: 'n1', subnet: '172.30.0.0/24', gateway: '172.30.0.1', internal: true }, '28.5'),
    [
      'network',
      'create',
      '-d',
      'bridge',
      '--subnet',
      '172.30.0.0/24',
      '--gateway',
      '172.30.0.1',
      '--internal',
      'n1',
    ],
  );
});

test('an IPv6 network adds --ipv6, its subnet, and on 28+ no unsolicited advertisements', () => {
  assert.deepEqual(networkCreateArgs({ name: 'n6', ipv6: true, subnet6: 'fd00:1::/64' }, '28.5'), [
    'network',
    'create',
    '-d',
    'bridge',
    '--ipv6',
    '-o',
    'com.docker.network.advertise_addr_nmsgs=0',
    '--subnet',
    'fd00:1::/64',
    'n6',
  ]);
  assert.deepEqual(networkCreateArgs({ name: 'n6', ipv6: true }, '26.1'), [
    'network',
    'create',
    '-d',
    'bridge',
    '--ipv6',
    'n6',
  ]);
});

test('parseIpamConfigs reads each family whatever the order Docker lists them in', () => {
  assert.deepEqual(parseIpamConfigs('172.30.0.0/24 172.30.0.1;'), {
    subnet: '172.30.0.0/24',
    gateway: '172.30.0.1',
  });
  assert.deepEqual(parseIpamConfigs('172.18.0.0/16 ;'), { subnet: '172.18.0.0/16', gateway: '' });
  assert.deepEqual(parseIpamConfigs('fd00:1::/64 ;172.30.0.0/24 172.30.0.1;'), {
    subnet: '172.30.0.0/24',
    gateway: '172.30.0.1',
    subnet6: 'fd00:1::/64',
  });
  assert.deepEqual(parseIpamConfigs('172.30.0.0/24 ;fd00:1::/64 fd00:1::1;'), {
    subnet: '172.30.0.0/24',
    gateway: '',
    subnet6: 'fd00:1::/64',
    gateway6: 'fd00:1::1',
  });
  assert.deepEqual(parseIpamConfigs(''), { subnet: '', gateway: '' });
});

test('parseIpamConfigs puts an IPv6 subnet only in subnet6 and an IPv4 one only in subnet', () => {
  fc.assert(
    fc.property(fc.ipV4(), fc.ipV6(), fc.boolean(), (v4, v6, v6first) => {
      const a = `${v4}/24 ;`;
      const b = `${v6}/64 ;`;
      const got = parseIpamConfigs(v6first ? b + a : a + b);
      assert.equal(got.subnet, `${v4}/24`);
      assert.equal(got.subnet6, `${v6}/64`);
    }),
  );
});
