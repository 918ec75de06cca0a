/**
 * The model backend on the sentences people reached for (features/reached-for*.feature):
 * network connect and disconnect, stop, UDP datagrams, names in URLs resolved by the
 * sender, and the edges a real host settles inside a container (--network none, a
 * stopped neighbour) or in its own namespace (--network host).
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iptablesCountersOf } from '../netfilter/firewall-state.ts';
import type { CounterDelta } from '../netfilter/types.ts';
import { createModelBackend, type ModelBackend } from './model.ts';

const web = { kind: 'container', name: 'web' } as const;
const external = { kind: 'external' } as const;

async function host(version = '28.5'): Promise<ModelBackend> {
  const b = createModelBackend();
  await b.startHost({ dockerVersion: version, daemonOptions: [] });
  return b;
}

const counted = (deltas: CounterDelta[], text: string) =>
  deltas.find((d) => d.text === text || d.text.startsWith(`${text} `))?.packets ?? 0;

test('connect: the container reaches the network by name, from its address there; disconnect: it cannot', async () => {
  const b = await host();
  await b.createNetwork({ name: 'front' });
  await b.createNetwork({ name: 'back' });
  await b.runContainer({ name: 'web', network: 'front' });
  await b.runContainer({ name: 'db', network: 'back', httpBody: 'rows', httpPort: 80 });
  await assert.rejects(b.httpGet(web, 'http://db/'), /curl: \(6\) Could not resolve host: db/);
  const joined = await b.connectNetwork('back', 'web');
  assert.equal(joined.address, '172.18.0.2', 'the address stays the one on the first network');
  const r = (await b.httpGet(web, 'http://db/')).outcome;
  assert.deepEqual([r.outcome, r.body], ['ok', 'rows']);
  assert.equal(await b.lastSeenSource('db'), '172.19.0.3');
  await b.disconnectNetwork('back', 'web');
  await assert.rejects(b.httpGet(web, 'http://db/'), /Could not resolve host/);
});

test('a container on the default bridge resolves no container name in a URL', async () => {
  const b = await host('20.10');
  await b.createNetwork({ name: 'back' });
  await b.runContainer({ name: 'web' });
  await b.runContainer({ name: 'db', network: 'back', httpBody: 'rows' });
  await assert.rejects(b.httpGet(web, 'http://db/'), /Could not resolve host: db/);
});

test('--network host: the server answers with its body on the host addresses', async () => {
  const b = await host();
  await b.runContainer({ name: 'srv', network: 'host', httpBody: 'from the host', httpPort: 8081 });
  await b.runContainer({ name: 'web' });
  for (const [from, url] of [
    [external, 'http://192.168.70.6:8081/'],
    [web, 'http://172.17.0.1:8081/'],
  ] as const) {
    const r = (await b.httpGet(from, url)).outcome;
    assert.deepEqual([r.outcome, r.body], ['ok', 'from the host'], url);
  }
});

test('--network none: a ping gets no answer and counts nothing; its own loopback answers', async () => {
  const b = await host();
  await b.runContainer({ name: 'web', network: 'none' });
  await b.zeroCounters();
  assert.deepEqual((await b.ping(web, '192.168.70.9', 3)).outcome, {
    sent: 3,
    received: 0,
    unreachable: true,
  });
  assert.deepEqual(iptablesCountersOf(await b.readCounters()), []);
  assert.equal((await b.httpGet(web, 'http://192.168.70.9/')).outcome.outcome, 'unreachable');
  assert.equal((await b.udpSend(web, '192.168.70.9', 53, 'x')).outcome.arrived, false);
  assert.deepEqual((await b.ping(web, '127.0.0.1', 2)).outcome, { sent: 2, received: 2 });
});

test('stop: the port goes with the container; its old address gets no ARP answer on the bridge', async () => {
  const b = await host();
  await b.createNetwork({ name: 'back' });
  const publish = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' as const }];
  await b.runContainer({ name: 'db', network: 'back', publish, httpBody: 'rows', httpPort: 80 });
  await b.runContainer({ name: 'web', network: 'back' });
  await b.stopContainer('db');
  assert.equal((await b.httpGet(external, 'http://192.168.70.6:8080/')).outcome.outcome, 'refused');
  await b.zeroCounters();
  assert.deepEqual((await b.ping(web, '172.18.0.2', 3)).outcome, { sent: 3, received: 0 });
  assert.deepEqual(iptablesCountersOf(await b.readCounters()), [], 'nothing leaves the sender');
  await b.startContainer('db');
  const r = (await b.httpGet(external, 'http://192.168.70.6:8080/')).outcome;
  assert.deepEqual([r.outcome, r.body], ['ok', 'rows']);
});

test('UDP: a datagram arrives with its source, through a published port with the client as source', async () => {
  const b = await host();
  await b.createNetwork({ name: 'back' });
  const publish = [{ hostPort: 5353, containerPort: 53, protocol: 'udp' as const }];
  await b.runContainer({ name: 'dns', network: 'back', publish, udpListenPorts: [53] });
  await b.runContainer({ name: 'web', network: 'back' });
  assert.deepEqual(await b.udpSend(web, 'dns', 53, 'ping').then(({ outcome: { path: _, ...d } }) => d), {
    arrived: true,
    receiver: 'dns',
    seenSource: '172.18.0.3',
  });
  await b.zeroCounters();
  const d = (await b.udpSend(external, '192.168.70.6', 5353, 'hello')).outcome;
  assert.deepEqual([d.arrived, d.receiver, d.seenSource], [true, 'dns', '192.168.70.9']);
  const deltas = iptablesCountersOf(await b.readCounters());
  const dnat = deltas.find((x) => x.table === 'nat' && x.text.includes('--dport 5353 -j DNAT'));
  assert.deepEqual([dnat?.packets, dnat?.bytes], [1, 34], 'hello and a newline: 6 + 28 bytes');
  assert.equal((await b.udpSend(external, '192.168.70.6', 5354, 'hello')).outcome.arrived, false);
  assert.equal((await b.udpSend(web, 'dns', 54, 'ping')).outcome.arrived, false, 'no listener on 54');
  assert.equal(await b.lastSeenSource('dns'), '192.168.70.9');
});

test('28.5: after a daemon restart with no container running, raw PREROUTING still counts', async () => {
  const b = await host();
  const publish = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' as const }];
  await b.runContainer({ name: 'web', publish, httpBody: 'hi' });
  await b.restartDaemon();
  await b.zeroCounters();
  assert.equal((await b.httpGet(external, 'http://192.168.70.6:8080/')).outcome.outcome, 'refused');
  const deltas = iptablesCountersOf(await b.readCounters());
  const raw = deltas.find((d) => d.table === 'raw' && d.rule === 0 && d.chain === 'PREROUTING');
  assert.equal(raw?.packets, 1, 'the SYN');
  assert.equal(counted(deltas, '-A DOCKER'), 0);
});
