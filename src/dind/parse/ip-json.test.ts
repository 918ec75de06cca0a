import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIpAddrJson, parseIpRouteJson } from './ip-json.ts';

// Trimmed from `ip -j -d addr` inside a nettwin DinD 20.10 host.
const ADDR = JSON.stringify([
  {
    ifname: 'lo',
    flags: ['LOOPBACK', 'UP'],
    link_type: 'loopback',
    addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }],
  },
  {
    ifname: 'docker0',
    flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'],
    link_type: 'ether',
    linkinfo: { info_kind: 'bridge' },
    addr_info: [
      { family: 'inet', local: '172.17.0.1', prefixlen: 16 },
      { family: 'inet6', local: 'fe80::1', prefixlen: 64 },
    ],
  },
  {
    ifname: 'eth0',
    flags: ['BROADCAST', 'UP'],
    link_type: 'ether',
    linkinfo: { info_kind: 'veth' },
    addr_info: [{ family: 'inet', local: '192.168.70.6', prefixlen: 24 }],
  },
]);

test('interfaces: kinds from link type and linkinfo, IPv4 only', () => {
  assert.deepEqual(parseIpAddrJson(ADDR), [
    { name: 'lo', kind: 'loopback', addresses: [{ address: '127.0.0.1', prefix: 8 }], up: true },
    { name: 'docker0', kind: 'bridge', addresses: [{ address: '172.17.0.1', prefix: 16 }], up: true },
    { name: 'eth0', kind: 'ether', addresses: [{ address: '192.168.70.6', prefix: 24 }], up: true },
  ]);
});

test('routes: default via gateway, connected with prefsrc', () => {
  const json = JSON.stringify([
    { dst: 'default', gateway: '192.168.70.1', dev: 'eth0', flags: [] },
    {
      dst: '172.17.0.0/16',
      dev: 'docker0',
      protocol: 'kernel',
      scope: 'link',
      prefsrc: '172.17.0.1',
      flags: ['linkdown'],
    },
  ]);
  assert.deepEqual(parseIpRouteJson(json), [
    { destination: 'default', dev: 'eth0', via: '192.168.70.1' },
    { destination: '172.17.0.0/16', dev: 'docker0', src: '172.17.0.1' },
  ]);
});
