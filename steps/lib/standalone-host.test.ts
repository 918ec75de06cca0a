import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StandaloneHostSpec } from '../../src/backends/backend.ts';
import { ensureNeighbours, interfaceFor, interfacesFromRows } from './standalone-host.ts';

test('interfacesFromRows reads the table and adds loopback', () => {
  const { interfaces, neighbours } = interfacesFromRows([
    { name: 'eth0', kind: 'ether', address: '192.168.70.6/24' },
    { name: 'docker0', kind: 'bridge', address: '172.17.0.1/16', neighbour: '172.17.0.2' },
  ]);
  assert.deepEqual(
    interfaces.map((i) => i.name),
    ['lo', 'eth0', 'docker0'],
  );
  assert.deepEqual(interfaces[2]?.addresses, [{ address: '172.17.0.1', prefix: 16 }]);
  assert.deepEqual(neighbours, [
    { name: '172.17.0.2', address: '172.17.0.2', dev: 'docker0', answersPing: true },
  ]);
});

test('interfacesFromRows names the bad row', () => {
  assert.throws(
    () => interfacesFromRows([{ name: 'eth0', kind: 'wifi', address: '10.0.0.1/8' }]),
    /row 1: kind "wifi"/,
  );
  assert.throws(
    () => interfacesFromRows([{ name: 'eth0', kind: 'ether', address: '10.0.0.1' }]),
    /row 1: address/,
  );
});

test('ensureNeighbours places non-local addresses behind the interface of their subnet', () => {
  const { interfaces } = interfacesFromRows([
    { name: 'docker0', kind: 'bridge', address: '172.17.0.1/16' },
    { name: 'test_web', kind: 'bridge', address: '172.30.0.1/16' },
  ]);
  const spec: StandaloneHostSpec = { rulesetText: '', interfaces, routes: [], sysctls: {}, neighbours: [] };
  ensureNeighbours(spec, ['172.17.0.2', '172.30.0.2', '172.30.0.1', '8.8.8.8']);
  assert.deepEqual(
    spec.neighbours.map((n) => `${n.address}@${n.dev}`),
    ['172.17.0.2@docker0', '172.30.0.2@test_web'],
  );
  assert.equal(interfaceFor(interfaces, '8.8.8.8'), undefined);
});
