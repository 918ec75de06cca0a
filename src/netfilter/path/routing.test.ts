import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatIPv4, parseIPv4 } from '../address/index.ts';
import { RoutingTable, routingFor } from './routing.ts';
import { testHost } from './test-support.ts';

describe('RoutingTable', () => {
  const host = testHost('', [], {
    routes: [
      { destination: 'default', dev: 'eth0', via: '192.168.70.1' },
      { destination: '10.8.0.0/16', dev: 'eth0', via: '192.168.70.254', src: '192.168.70.6' },
    ],
  });
  const routing = new RoutingTable(host);
  it('local addresses and 127/8 are delivered locally', () => {
    assert.equal(routing.lookup(parseIPv4('172.17.0.1')).kind, 'local');
    assert.equal(routing.lookup(parseIPv4('127.0.0.53')).kind, 'local');
    assert.equal(routing.localDevOf(parseIPv4('172.30.0.1')), 'br-web');
  });
  it('the longest prefix wins: connected subnets, explicit routes, then default', () => {
    const dev = (a: string) => {
      const r = routing.lookup(parseIPv4(a));
      return r.kind === 'unicast'
        ? `${r.dev}${r.via === undefined ? '' : ` via ${formatIPv4(r.via as number)}`}`
        : r.kind;
    };
    assert.equal(dev('172.17.0.3'), 'docker0');
    assert.equal(dev('172.30.9.9'), 'br-web');
    assert.equal(dev('10.8.1.1'), 'eth0 via 192.168.70.254');
    assert.equal(dev('8.8.8.8'), 'eth0 via 192.168.70.1');
    assert.equal(new RoutingTable({ ...host, routes: [] }).lookup(parseIPv4('8.8.8.8')).kind, 'unreachable');
  });
  it('host-originated packets take the route src, else the first address of the device', () => {
    const src = (a: string) =>
      formatIPv4((routing.sourceFor(parseIPv4(a), routing.lookup(parseIPv4(a))) ?? 0) as number);
    assert.equal(src('172.30.0.2'), '172.30.0.1');
    assert.equal(src('10.8.1.1'), '192.168.70.6');
    assert.equal(src('127.0.0.1'), '127.0.0.1');
    assert.equal(src('192.168.70.6'), '192.168.70.6');
  });
  it('routingFor rebuilds after an interface changes, even in place', () => {
    const h = testHost('');
    const first = routingFor(h);
    assert.equal(routingFor(h), first);
    const docker0 = h.interfaces.find((i) => i.name === 'docker0');
    assert.ok(docker0?.addresses[0]);
    docker0.addresses[0].address = '172.20.0.1';
    const second = routingFor(h);
    assert.notEqual(second, first);
    assert.equal(second.lookup(parseIPv4('172.20.0.5')).kind, 'unicast');
  });
});
