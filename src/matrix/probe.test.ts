import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createModelBackend } from '../backends/model.ts';
import type { CellProbe } from './plan.ts';
import { actorOf, probeCell, probeCells } from './probe.ts';

async function host(version = '28.5') {
  const b = createModelBackend();
  await b.startHost({ dockerVersion: version, daemonOptions: [] });
  await b.createNetwork({ name: 'a', subnet: '172.30.1.0/24' });
  await b.createNetwork({ name: 'b', subnet: '172.30.2.0/24' });
  await b.runContainer({ name: 'web', network: 'a', httpBody: 'web', httpPort: 80, udpListenPorts: [53] });
  await b.runContainer({
    name: 'other',
    network: 'b',
    publish: [{ hostPort: 8080, containerPort: 81, protocol: 'tcp' }],
  });
  return b;
}
const probe = (p: Partial<CellProbe> & Pick<CellProbe, 'address'>): CellProbe => ({
  from: 'web',
  source: { kind: 'container', name: 'web' },
  to: 'x',
  port: null,
  proto: 'icmp',
  ...p,
});

test('actors: a container by its Docker name, the host, the external client', () => {
  assert.deepEqual(actorOf({ kind: 'container', name: 'c' }), { kind: 'container', name: 'c' });
  assert.deepEqual(actorOf({ kind: 'external' }), { kind: 'external' });
});

test('each protocol gets its verdict and deciding rule from the model path', async () => {
  const b = await host();
  const ping = await probeCell(b, probe({ address: '172.30.2.2' }), { explain: true });
  assert.equal(ping.verdict, 'timeout');
  // Docker 28: the raw table drops direct access to a container from outside its bridge.
  assert.deepEqual([ping.rule?.table, ping.rule?.chain], ['raw', 'PREROUTING']);
  assert.match(ping.rule?.text ?? '', /DROP$/);
  assert.ok((ping.path ?? []).some((l) => l.includes('drop')));
  const tcp = await probeCell(
    b,
    probe({ source: { kind: 'external' }, address: '192.168.70.6', port: 8080, proto: 'tcp' }),
  );
  // other publishes 8080 → 81 but serves nothing there: its stack answers RST.
  assert.equal(tcp.verdict, 'refused');
  assert.equal(tcp.rule, null);
  assert.equal(tcp.path, undefined);
  const http = await probeCell(
    b,
    probe({ source: { kind: 'host' }, address: '172.30.1.2', port: 80, proto: 'tcp' }),
  );
  assert.equal(http.verdict, 'delivered');
  const udp = await probeCell(
    b,
    probe({ source: { kind: 'host' }, address: '172.30.1.2', port: 53, proto: 'udp' }),
  );
  assert.equal(udp.verdict, 'delivered');
  const closed = await probeCell(
    b,
    probe({ source: { kind: 'host' }, address: '172.30.1.2', port: 54, proto: 'udp' }),
  );
  assert.notEqual(closed.verdict, 'delivered');
  const cells = await probeCells(b, [probe({ address: '172.30.2.2' }), probe({ address: '192.168.70.9' })]);
  assert.deepEqual(
    cells.map((c) => c.verdict),
    ['timeout', 'delivered'],
  );
});
