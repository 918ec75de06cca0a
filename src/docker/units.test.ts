/** Small pieces: IPAM pools, publish specs, port order, version profiles. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocateSubnet, DEFAULT_ADDRESS_POOLS, predefinedSubnets, SubnetAddresses } from './ipam.ts';
import { sortPortMappings } from './port-sort.ts';
import { getProfile } from './profile.ts';
import { parsePublish } from './publish.ts';

test('predefined pools: 15 /16s then 16 /20s of 192.168.0.0/16', () => {
  const all = predefinedSubnets(DEFAULT_ADDRESS_POOLS);
  assert.equal(all.length, 15 + 16);
  assert.equal(allocateSubnet(DEFAULT_ADDRESS_POOLS, ['172.17.0.0/16', '172.18.5.0/24']), '172.19.0.0/16');
});

test('subnet addresses skip network and broadcast', () => {
  const a = new SubnetAddresses('10.0.0.0/30');
  assert.equal(a.allocate(), '10.0.0.1');
  assert.equal(a.allocate(), '10.0.0.2');
  assert.throws(() => a.allocate(), /no available IPv4 addresses/);
  assert.throws(() => a.reserve('10.0.0.3'), /broadcast/);
});

test('publish specs', () => {
  assert.deepEqual(parsePublish('80'), [{ containerPort: 80, protocol: 'tcp' }]);
  assert.deepEqual(parsePublish('127.0.0.1::80/udp'), [
    { hostIp: '127.0.0.1', containerPort: 80, protocol: 'udp' },
  ]);
  assert.throws(() => parsePublish('8000-8002:80'), /differ in length/);
  assert.throws(() => parsePublish('x:80'), /invalid host port/);
});

test('port order follows go-connections nat.SortPortMap with Go insertion sort', () => {
  const m = (hostPort: number, containerPort: number) => ({
    hostPort,
    containerPort,
    protocol: 'tcp' as const,
  });
  // Seed 001: 80:80 and 443:443 come out as 443, 80 whatever the input order.
  assert.deepEqual(
    sortPortMappings([m(80, 80), m(443, 443)]).map((x) => x.hostPort),
    [443, 80],
  );
  assert.deepEqual(
    sortPortMappings([m(443, 443), m(80, 80)]).map((x) => x.hostPort),
    [443, 80],
  );
  // The comparison is not a strict order: mixed host/container magnitudes keep some input order.
  assert.deepEqual(
    sortPortMappings([m(8080, 80), m(9000, 9000)]).map((x) => x.hostPort),
    [9000, 8080],
  );
});

test('version profiles', () => {
  assert.equal(getProfile('20.10.24').version, '20.10');
  assert.equal(getProfile('26.1.5').version, '26.1');
  assert.equal(getProfile('17.3').isolation, 'pairwise');
  assert.equal(getProfile('17.06').dockerUserChain, true);
  assert.equal(getProfile('17.03').dockerUserChain, false);
  assert.equal(getProfile('28.5.2').layout, 'forward-chains');
  assert.equal(getProfile('29.7.2').isolation, 'none');
  assert.deepEqual(getProfile('29.7').firewallBackends, ['iptables', 'nftables']);
  assert.throws(() => getProfile('28.0'), /profiles for 29.7, 28.5, 26.1, 20.10, 17.06, 17.03/);
});
