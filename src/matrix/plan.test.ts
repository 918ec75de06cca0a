import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDestination } from './header.ts';
import { addressSeenFrom, type MatrixContainer, type MatrixHostView, planCells } from './plan.ts';

const web: MatrixContainer = {
  label: 'web',
  name: 'shop-web-1',
  endpoints: [
    { network: 'br-front', address: '172.18.0.2' },
    { network: 'br-back', address: '172.30.10.2' },
  ],
  serves: [{ port: 80, proto: 'tcp' }],
  published: [{ hostPort: 8080, containerPort: 80, proto: 'tcp' }],
};
const api: MatrixContainer = {
  label: 'api',
  name: 'shop-api-1',
  endpoints: [{ network: 'br-back', address: '172.30.10.10' }],
  serves: [
    { port: 80, proto: 'tcp' },
    { port: 53, proto: 'udp' },
  ],
  published: [],
};
const admin: MatrixContainer = {
  label: 'admin',
  name: 'shop-admin-1',
  endpoints: [{ network: 'br-front', address: '172.18.0.3' }],
  serves: [],
  published: [{ hostIp: '127.0.0.1', hostPort: 9090, containerPort: 80, proto: 'tcp' }],
};
const view: MatrixHostView = {
  hostAddress: '192.168.70.6',
  externalAddress: '192.168.70.9',
  containers: [web, api, admin],
};
const words = (v: MatrixHostView) =>
  planCells(v).map((c) => `${c.from} → ${formatDestination(c)} @${c.address}`);

test('a container is aimed at by the address its network shares with the sender (what DNS answers)', () => {
  assert.equal(addressSeenFrom(web, api), '172.30.10.2');
  assert.equal(addressSeenFrom(web, admin), '172.18.0.2');
  assert.equal(addressSeenFrom(api, admin), '172.30.10.10');
  assert.equal(addressSeenFrom(web, undefined), '172.18.0.2');
});

test('every container to every other one (each port it serves, else a ping), to published ports, and out', () => {
  const cells = words(view);
  assert.deepEqual(
    cells.filter((c) => c.startsWith('api → ')),
    [
      'api → web:80 @172.30.10.2',
      'api → admin @172.18.0.3',
      'api → 192.168.70.6:8080 @192.168.70.6',
      'api → 192.168.70.6:9090 @192.168.70.6',
      'api → the external client @192.168.70.9',
    ],
  );
  assert.deepEqual(
    cells.filter((c) => c.startsWith('web → ')),
    [
      'web → api:53/udp @172.30.10.10',
      'web → api:80 @172.30.10.10',
      'web → admin @172.18.0.3',
      'web → 192.168.70.6:9090 @192.168.70.6',
      'web → the external client @192.168.70.9',
    ],
  );
  // A loopback binding: the host probes it where it is bound, the others at the host's LAN address.
  assert.deepEqual(
    cells.filter((c) => c.startsWith('the ')),
    [
      'the external client → 192.168.70.6:8080 @192.168.70.6',
      'the external client → 192.168.70.6:9090 @192.168.70.6',
      'the host → 192.168.70.6:8080 @192.168.70.6',
      'the host → 127.0.0.1:9090 @127.0.0.1',
    ],
  );
});

test('direct routing: the external client also aims at every container address', () => {
  const routed = words({ ...view, directRouting: true }).filter((c) =>
    /^the external client → [a-z]/.test(c),
  );
  assert.deepEqual(routed, [
    'the external client → web:80 @172.18.0.2',
    'the external client → api:53/udp @172.30.10.10',
    'the external client → api:80 @172.30.10.10',
    'the external client → admin @172.18.0.3',
  ]);
  assert.equal(planCells({ ...view, containers: [] }).length, 0);
});

test('sources are the Docker names; labels are what the matrix shows', () => {
  const cell = planCells(view).find((c) => c.from === 'web');
  assert.deepEqual(cell?.source, { kind: 'container', name: 'shop-web-1' });
});

test('the neighbour: straight at every container address and port, at every published port; each container pings it', () => {
  const withNeighbour = words({ ...view, neighbourAddress: '192.168.70.10' });
  assert.deepEqual(
    withNeighbour.filter((c) => c.startsWith('the neighbour → ')),
    [
      'the neighbour → web:80 @172.18.0.2',
      'the neighbour → api:53/udp @172.30.10.10',
      'the neighbour → api:80 @172.30.10.10',
      'the neighbour → admin @172.18.0.3',
      'the neighbour → 192.168.70.6:8080 @192.168.70.6',
      'the neighbour → 192.168.70.6:9090 @192.168.70.6',
    ],
  );
  assert.deepEqual(
    withNeighbour.filter((c) => c.endsWith('→ the neighbour @192.168.70.10')),
    [
      'web → the neighbour @192.168.70.10',
      'api → the neighbour @192.168.70.10',
      'admin → the neighbour @192.168.70.10',
    ],
  );
  const neighbourSource = planCells({ ...view, neighbourAddress: '192.168.70.10' }).find(
    (c) => c.from === 'the neighbour',
  );
  assert.deepEqual(neighbourSource?.source, { kind: 'neighbour' });
  // Without its address, the plan is the one it always was.
  assert.deepEqual(
    words(view),
    withNeighbour.filter((c) => !c.includes('the neighbour')),
  );
});
