/**
 * The model backend against ground truth, with a stand-in daemon: the host state is the
 * real host's (rules from the recorded dump, interfaces and containers from the
 * transcript), so what is checked here is the backend's mapping of actors, URLs and
 * payload sizes onto flows — the counters must come out as the real engine counted.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareCounters } from '../compare/counter-compare.ts';
import { countersOf } from '../compare/counter-deltas.ts';
import { groundTruthStep } from '../compare/fixtures.test-helper.ts';
import { renderCounterComparisonText } from '../compare/render-text.ts';
import { iptablesCountersOf, iptablesOf } from '../netfilter/firewall-state.ts';
import type { CounterDelta } from '../netfilter/types.ts';
import { e2Backend, e3Backend } from './fake-daemon.test-helper.ts';

const hostOptions = { dockerVersion: '20.10', daemonOptions: [] };

function assertCountersLikeGroundTruth(
  file: string,
  title: string,
  model: CounterDelta[],
  protocol: 'icmp' | 'tcp',
) {
  const real = countersOf(groundTruthStep(file, title));
  const cmp = compareCounters(real, model, { protocol });
  assert.ok(cmp.equal, `model counters differ from ${file} "${title}":\n${renderCounterComparisonText(cmp)}`);
}

test('e2: a ping across bridges is dropped by DOCKER-ISOLATION, counters exact', async () => {
  const b = e2Backend();
  await b.startHost(hostOptions);
  for (const name of ['test1', 'test3', 'test4']) await b.runContainer({ name });
  await b.zeroCounters();
  const ping = (await b.ping({ kind: 'container', name: 'test1' }, '172.30.0.2', 3)).outcome;
  assert.deepEqual([ping.sent, ping.received], [3, 0]);
  assert.ok(ping.path?.some((s) => s.chain === 'DOCKER-ISOLATION-STAGE-2' && s.kind === 'rule'));
  assertCountersLikeGroundTruth(
    'e2-cross-bridge',
    'test1 pings test3 across bridges',
    iptablesCountersOf(await b.readCounters()),
    'icmp',
  );
});

test('e2: pings by container name on one bridge arrive, and the receiver saw the sender', async () => {
  const b = e2Backend();
  await b.startHost(hostOptions);
  for (const name of ['test1', 'test3', 'test4']) await b.runContainer({ name });
  await b.zeroCounters();
  const ping = (await b.ping({ kind: 'container', name: 'test3' }, 'test4', 2)).outcome;
  assert.deepEqual([ping.sent, ping.received], [2, 2]);
  assert.equal(await b.lastSeenSource('test4'), '172.30.0.2');
  assertCountersLikeGroundTruth(
    'e2-cross-bridge',
    'test3 pings test4 by name',
    iptablesCountersOf(await b.readCounters()),
    'icmp',
  );
});

test('e2: after deleting both DROPs, nc to test3:9000 is masqueraded; TCP bytes exact', async () => {
  const b = e2Backend();
  await b.startHost(hostOptions);
  for (const name of ['test1', 'test3', 'test4']) await b.runContainer({ name });
  for (const dev of ['test_web', 'docker0']) {
    const r = await b.hostCommand(`iptables -D DOCKER-ISOLATION-STAGE-2 -o ${dev} -j DROP`);
    assert.equal(r.exitCode, 0, r.stderr);
  }
  await b.zeroCounters();
  const sent = (await b.tcpSend({ kind: 'container', name: 'test1' }, 'test3', 9000, 'hi')).outcome;
  assert.equal(sent.outcome, 'ok');
  // MASQUERADE on the way out of docker0's subnet: test3 sees test_web's gateway.
  assert.equal(sent.seenSource, '172.30.0.1');
  assert.equal(await b.lastSeenSource('test3'), '172.30.0.1');
  assertCountersLikeGroundTruth(
    'e2-cross-bridge',
    'after deleting both DROPs: test1 connects',
    iptablesCountersOf(await b.readCounters()),
    'tcp',
  );
});

async function startE3() {
  const b = e3Backend();
  await b.startHost(hostOptions);
  await b.runContainer({
    name: 'nginx-demo',
    network: 'test_net',
    ip: '172.18.0.66',
    publish: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    httpBody: 'hello',
    httpPort: 80,
  });
  await b.runContainer({ name: 'box' });
  await b.zeroCounters();
  return b;
}

test('e3: the outer client GETs a published port: DNAT, FORWARD, and HTTP bytes exact', async () => {
  const b = await startE3();
  const r = (await b.httpGet({ kind: 'external' }, 'http://192.168.70.6:8080/')).outcome;
  assert.equal(r.outcome, 'ok');
  assert.equal(r.body, 'hello');
  const counters = iptablesCountersOf(await b.readCounters());
  const real = countersOf(groundTruthStep('e3-publish-and-proxy', 'external client GETs host:8080 (outer'));
  // Exact, bytes included (tolerance 0): the request/response sizes are calibrated on this step.
  const cmp = compareCounters(real, counters, { protocol: 'tcp', byteTolerance: 0 });
  assert.ok(cmp.equal, renderCounterComparisonText(cmp));
  assert.equal(await b.lastSeenSource('nginx-demo'), '192.168.70.9');
});

test('e3: a container reaches the published port through docker-proxy (hairpin)', async () => {
  const b = await startE3();
  const r = (await b.httpGet({ kind: 'container', name: 'box' }, 'http://192.168.70.6:8080/')).outcome;
  assert.equal(r.outcome, 'ok');
  assertCountersLikeGroundTruth(
    'e3-publish-and-proxy',
    'container box (docker0) GETs host-ip',
    iptablesCountersOf(await b.readCounters()),
    'tcp',
  );
});

test('e3: the host itself picks 127.0.0.1 for loopback, and is refused once docker-proxy is gone', async () => {
  const b = await startE3();
  await b.killDockerProxy();
  await b.zeroCounters();
  const r = (await b.httpGet({ kind: 'host' }, 'http://127.0.0.1:8080/')).outcome;
  assert.equal(r.outcome, 'refused');
  assertCountersLikeGroundTruth(
    'e3-publish-and-proxy',
    'host itself GETs 127.0.0.1:8080 after kill',
    iptablesCountersOf(await b.readCounters()),
    'tcp',
  );
});

test("host commands: iptables through the model, sysctl -w, and the real tools' errors", async () => {
  const b = await startE3();
  assert.deepEqual(await b.hostCommand('sysctl -w net.ipv4.ip_forward=0'), {
    exitCode: 0,
    stdout: 'net.ipv4.ip_forward = 0\n',
    stderr: '',
  });
  assert.equal(b.hostState().sysctls['net.ipv4.ip_forward'], '0');
  const bad = await b.hostCommand('sysctl -w net.ipv4.ip_forward');
  assert.equal(bad.exitCode, 255);
  assert.match(bad.stderr, /must be of the form name=value/);
  const unknown = await b.hostCommand('sysctl -w kernel.nope=1');
  assert.equal(unknown.exitCode, 255);
  assert.match(unknown.stderr, /cannot stat \/proc\/sys\/kernel\/nope/);
  const missing = await b.hostCommand("iptables -D DOCKER-USER -s 10.0.0.0/8 -j 'DROP'");
  assert.equal(missing.exitCode, 1);
  const insert = await b.hostCommand('iptables -I DOCKER-USER -s 10.0.0.0/8 -j DROP');
  assert.equal(insert.exitCode, 0, insert.stderr);
  const rules = iptablesOf(await b.readRuleset())
    .tables.find((t) => t.name === 'filter')
    ?.chains.find((c) => c.name === 'DOCKER-USER');
  assert.equal(rules?.rules[0]?.text, '-s 10.0.0.0/8 -j DROP');
  assert.equal((await b.hostCommand('ip route')).exitCode, 127);
});
