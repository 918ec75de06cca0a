/** The neighbour on the model: 192.168.70.10 on eth0, routing the container subnets via the host. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createModelBackend } from './model.ts';
import { NEIGHBOUR_ADDRESS } from './model-traffic.ts';

async function host(version: string) {
  const b = createModelBackend();
  await b.startHost({ dockerVersion: version, daemonOptions: [] });
  await b.createNetwork({ name: 'front', subnet: '172.18.0.0/16', gateway: '172.18.0.1' });
  await b.runContainer({ name: 'web', network: 'front', httpBody: 'web', httpPort: 80 });
  return b;
}

test('the neighbour reaches an unpublished container port before 28, and is dropped in raw PREROUTING from 28', async () => {
  for (const [version, ok] of [
    ['26.1', true],
    ['28.5', false],
  ] as const) {
    const b = await host(version);
    const ping = (await b.ping({ kind: 'neighbour' }, 'web', 1)).outcome;
    assert.equal(ping.received, ok ? 1 : 0, version);
    const tcp = await b.tcpSend({ kind: 'neighbour' }, 'web', 80, 'x');
    assert.equal(tcp.outcome.outcome, ok ? 'ok' : 'timeout', version);
    // It sends from its own address on eth0, straight at the container.
    assert.ok(
      tcp.path?.some((s) => s.text.includes(`arrives on eth0`) && s.text.includes(`${NEIGHBOUR_ADDRESS}:`)),
      version,
    );
    if (!ok)
      assert.ok(tcp.path?.some((s) => s.kind === 'rule' && s.table === 'raw' && /-j DROP/.test(s.text)));
    await b.dispose();
  }
});

test('a container and the host reach the neighbour; it is resolved by name and serves nothing', async () => {
  const b = await host('28.5');
  assert.equal(await b.resolveAddress('neighbour'), NEIGHBOUR_ADDRESS);
  assert.equal((await b.ping({ kind: 'container', name: 'web' }, NEIGHBOUR_ADDRESS, 1)).outcome.received, 1);
  assert.equal((await b.ping({ kind: 'host' }, NEIGHBOUR_ADDRESS, 1)).outcome.received, 1);
  const tcp = await b.tcpSend({ kind: 'host' }, NEIGHBOUR_ADDRESS, 22, 'x');
  assert.equal(tcp.outcome.outcome, 'refused');
  await assert.rejects(b.ping({ kind: 'neighbour' }, 'fd70::6', 1), /IPv4 only/);
});

test('a standalone host has no LAN of nettwin: the neighbour cannot send there', async () => {
  const b = createModelBackend();
  await b.loadStandaloneHost({
    rulesetText: '',
    interfaces: [{ name: 'eth0', kind: 'ether', addresses: [{ address: '10.0.0.1', prefix: 24 }], up: true }],
    routes: [],
    sysctls: {},
    neighbours: [],
  });
  await assert.rejects(b.ping({ kind: 'neighbour' }, '10.0.0.1', 1), /start a Docker host first/);
});
