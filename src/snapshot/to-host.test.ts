/** A snapshot as the twin's host: containers as named neighbours behind their bridges. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { iptablesOf } from '../netfilter/firewall-state.ts';
import { SnapshotError } from './errors.ts';
import { SnapshotNames } from './names.ts';
import { parseSnapshotJson, type Snapshot } from './schema.ts';
import { snapshotToHost } from './to-host.ts';

const FILE = join(import.meta.dirname, '../../fixtures/snapshots/two-networks-20.10.json');
const snapshot = parseSnapshotJson(readFileSync(FILE, 'utf8'), FILE);
const frontend = snapshot.networks.find((n) => n.name === 'frontend')?.bridge as string;
const backend = snapshot.networks.find((n) => n.name === 'backend')?.bridge as string;

describe('snapshotToHost', () => {
  it('puts every running container behind its network bridge, named', () => {
    const { host, endpoints, warnings } = snapshotToHost(snapshot, FILE);
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      host.neighbours.map((n) => [n.name, n.address, n.dev]),
      [
        ['db', '172.19.0.3', backend],
        ['api', '172.19.0.2', backend],
        ['web', '172.18.0.2', frontend],
      ],
    );
    assert.deepEqual(host.neighbours.find((n) => n.name === 'web')?.listeners, [
      { protocol: 'tcp', port: 80 },
    ]);
    assert.equal(endpoints.length, 3);
    assert.equal(host.sysctls['net.ipv4.ip_forward'], '1');
    assert.deepEqual(host.routes[0], { destination: 'default', dev: 'eth0', via: '192.168.70.1' });
    assert.equal(host.listeners[0]?.forwardTo?.address, '172.18.0.2');
    assert.equal(host.nftLazyBuiltinChains, true);
    assert.ok(iptablesOf(host.firewall).tables.some((t) => t.name === 'nat'));
  });

  it('Docker 25+: a container on internal networks only reaches its own subnets', () => {
    const internal: Snapshot = structuredClone(snapshot);
    internal.docker.serverVersion = '26.1.5';
    for (const n of internal.networks) if (n.name === 'backend') n.internal = true;
    const api = snapshotToHost(internal, FILE).host.neighbours.find((n) => n.name === 'api');
    assert.deepEqual(api?.reaches, ['172.19.0.0/16']);
    const old = snapshotToHost({ ...internal, docker: { serverVersion: '20.10.24' } }, FILE);
    assert.equal(old.host.neighbours.find((n) => n.name === 'api')?.reaches, undefined);
  });

  it('stopped containers are left out; legacy rules and non-bridge networks are warned about', () => {
    const s: Snapshot = structuredClone(snapshot);
    (s.containers[0] as { running: boolean }).running = false;
    s.iptables.legacySave = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j DROP\nCOMMIT\n';
    const { host, warnings } = snapshotToHost(s, FILE);
    assert.ok(!host.neighbours.some((n) => n.name === 'db'));
    assert.match(warnings.join('\n'), /iptables-legacy rules/);
  });

  it('an endpoint on a network the snapshot lacks names the field', () => {
    const s: Snapshot = structuredClone(snapshot);
    (s.containers[2]?.endpoints[0] as { network: string }).network = 'gone';
    assert.throws(
      () => snapshotToHost(s, 'prod.json'),
      (e: unknown) => e instanceof SnapshotError && e.field === 'containers[2].endpoints[0].network',
    );
  });
});

describe('SnapshotNames', () => {
  const names = new SnapshotNames(snapshot, snapshotToHost(snapshot, FILE).endpoints);

  it('resolves container names (with a port) and leaves addresses alone', () => {
    assert.equal(names.resolveEndpoint('web:80', '--to'), '172.18.0.2:80');
    assert.equal(names.resolveEndpoint('api', '--from'), '172.19.0.2');
    assert.equal(names.resolveEndpoint('10.1.2.3:5', '--to'), '10.1.2.3:5');
    assert.throws(() => names.resolveEndpoint('nope', '--to'), /containers: db, api, web/);
  });

  it('names addresses and bridges in prose, not inside rules or CIDRs', () => {
    assert.equal(
      names.text(`arrives on ${backend}: icmp 172.19.0.2 > 172.18.0.2 via 172.18.0.0/16 dev ${frontend}`),
      `arrives on ${backend} (network backend): icmp 172.19.0.2 (api) > 172.18.0.2 (web) via 172.18.0.0/16 dev ${frontend} (network frontend)`,
    );
    assert.equal(names.address('172.18.0.1'), '172.18.0.1 (the host, gateway of frontend)');
  });
});
