/**
 * The twin with two stand-in sides built from the same ground truth: "real" is the
 * recorded host, "model" the same host with one thing changed. Every kind of
 * disagreement must stop the run with a message that names the rule at fault.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iptablesCountersOf } from '../netfilter/firewall-state.ts';
import { findChain } from '../netfilter/ruleset/index.ts';
import type { Ruleset } from '../netfilter/types.ts';
import { e2Backend, e3Backend, type RulesetEdit } from './fake-daemon.test-helper.ts';
import { createModelBackend } from './model.ts';
import { createTwinBackend, TwinMismatchError } from './twin.ts';

const hostOptions = { dockerVersion: '20.10', daemonOptions: [] };

async function e2Twin(modelEdit?: RulesetEdit) {
  const twin = createTwinBackend({ real: e2Backend(), model: e2Backend(modelEdit) });
  await twin.startHost(hostOptions);
  for (const name of ['test1', 'test3', 'test4']) await twin.runContainer({ name });
  await twin.zeroCounters();
  return twin;
}

const dropStage2TestWeb: RulesetEdit = (r: Ruleset) => {
  const chain = findChain(r, 'filter', 'DOCKER-ISOLATION-STAGE-2');
  assert.ok(chain);
  chain.rules = chain.rules.filter((x) => x.text !== '-o test_web -j DROP');
};
const dropStage2Drops: RulesetEdit = (r: Ruleset) => {
  const chain = findChain(r, 'filter', 'DOCKER-ISOLATION-STAGE-2');
  assert.ok(chain);
  chain.rules = chain.rules.filter((x) => !x.text.endsWith('-j DROP'));
};

test('sides that agree pass, and steps get the real observation with the model path', async () => {
  const twin = await e2Twin();
  const seen = await twin.ping({ kind: 'container', name: 'test1' }, '172.30.0.2', 3);
  const ping = seen.outcome;
  assert.deepEqual([ping.sent, ping.received], [3, 0]);
  assert.ok(ping.path && ping.path.length > 0);
  assert.deepEqual(seen.path, ping.path);
  const counters = iptablesCountersOf(await twin.readCounters());
  assert.ok(counters.some((c) => c.chain === 'DOCKER-ISOLATION-STAGE-2' && c.packets === 3));
  assert.deepEqual(iptablesCountersOf(seen.counters), counters);
  // The model's side of the same step, judged once: equal, every row matching.
  assert.equal(seen.twin?.comparison.equal, true);
  assert.deepEqual(seen.twin?.counters, counters);
  assert.ok(seen.twin?.comparison.rows.every((r) => r.status === 'match'));
  assert.deepEqual(seen.twin?.timingExtra, []);
  assert.equal(await twin.lastSeenSource('test3'), undefined);
});

test('a ruleset difference is caught at startHost with a unified diff', async () => {
  const twin = createTwinBackend({ real: e2Backend(), model: e2Backend(dropStage2TestWeb) });
  const error = await twin.startHost(hostOptions).then(
    () => assert.fail('startHost should have failed'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof TwinMismatchError);
  assert.match(error.message, /real host and model disagree after starting a Docker 20\.10 host \(ruleset\)/);
  assert.match(error.message, /real rule #1 not predicted: -A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP/);
  assert.match(error.message, /--A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP/);
});

test('a connectivity and counter mismatch shows both sides, the disagreeing rule first, and the model path', async () => {
  // Only the traffic differs: skip the ruleset check so the model's missing DROP shows up in the flow.
  const twin = createTwinBackend({
    real: e2Backend(),
    model: e2Backend(dropStage2Drops),
    compareRulesets: false,
  });
  await twin.startHost(hostOptions);
  for (const name of ['test1', 'test3', 'test4']) await twin.runContainer({ name });
  await twin.zeroCounters();
  const error = await twin.ping({ kind: 'container', name: 'test1' }, '172.30.0.2', 3).then(
    () => assert.fail('ping should have failed'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof TwinMismatchError);
  const m = error.message;
  assert.match(m, /after ping from container "test1" to 172\.30\.0\.2 ×3 \(connectivity, counters\)/);
  assert.match(m, /received: real 0, model 3/);
  assert.match(m, /first disagreement: filter -A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP/);
  const table = m.slice(m.indexOf('counters ('));
  assert.match(
    table.split('\n')[2] ?? '',
    /^ {2}MISSED\s+filter\s+1\s+-\s+\[3:252\]\s+\[0:0\]\s+-A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP/,
  );
  assert.match(m, /\(rows that agree\)/);
  assert.match(m, /the model's packet path:\n {2}verdict: delivered/);
  // The deciding rule leads the table even though rows above it in the ruleset differ too.
  assert.ok(m.indexOf('MISSED') < m.indexOf('PACKETS'));
  assert.ok(error.path && error.path.length > 0);
  assert.equal(error.details.connectivity?.[0]?.field, 'received');
});

test('an HTTP GET through DNAT agrees on both sides and the receiver saw the outer client', async () => {
  const start = async (edit?: RulesetEdit) => {
    const twin = createTwinBackend({ real: e3Backend(), model: e3Backend(edit) });
    await twin.startHost(hostOptions);
    await twin.runContainer({
      name: 'nginx-demo',
      network: 'test_net',
      ip: '172.18.0.66',
      httpBody: 'hello',
      httpPort: 80,
    });
    await twin.runContainer({ name: 'box' });
    await twin.zeroCounters();
    return twin;
  };
  const same = await start();
  const ok = (await same.httpGet({ kind: 'external' }, 'http://192.168.70.6:8080/')).outcome;
  assert.equal(ok.outcome, 'ok');
  assert.equal(await same.lastSeenSource('nginx-demo'), '192.168.70.9');
});

test('one side failing alone is a mismatch; both failing rethrows the real error', async () => {
  const twin = await e2Twin();
  const error = await twin.hostCommand('iptables -D DOCKER-USER -j NOPE').then(
    () => undefined,
    (e: unknown) => e,
  );
  // Both sides run the same iptables: both refuse with the same exit code, no mismatch.
  assert.equal(error, undefined);
  const unknown = await twin.ping({ kind: 'container', name: 'ghost' }, '172.30.0.2', 1).then(
    () => assert.fail('should fail'),
    (e: unknown) => e as Error,
  );
  assert.doesNotMatch(unknown.message, /disagree/);
  assert.match(unknown.message, /no container "ghost"/);
});

test('a container address the model places differently is a mismatch', async () => {
  const real = e2Backend();
  const model = e2Backend();
  const twin = createTwinBackend({ real, model });
  await twin.startHost(hostOptions);
  const original = model.runContainer.bind(model);
  model.runContainer = async (o) => ({ ...(await original(o)), address: '172.17.0.9' });
  const error = await twin.runContainer({ name: 'test1' }).then(
    () => assert.fail('should fail'),
    (e: unknown) => e as Error,
  );
  assert.ok(error instanceof TwinMismatchError);
  assert.match(error.message, /address: real 172\.17\.0\.2, model 172\.17\.0\.9/);
});

test('native nft tables are compared after a Docker action: a rule only the model has names its chain', async () => {
  const real = createModelBackend();
  const model = createModelBackend();
  const twin = createTwinBackend({ real, model });
  await twin.startHost({ dockerVersion: '28.5', daemonOptions: [], hostFirewall: 'firewalld' });
  await model.hostCommand('nft add table inet filter');
  const error = await twin.createNetwork({ name: 'n1' }).then(
    () => assert.fail('createNetwork should have failed'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof TwinMismatchError);
  assert.match(error.message, /disagree after .*\(nftables ruleset\)/);
  assert.match(error.message, /inet filter: the model has this table, the real host does not/);
  assert.equal(error.details.ruleset, undefined);
  // Once both sides hold the table, the next action passes.
  await real.hostCommand('nft add table inet filter');
  await twin.removeNetwork('n1');
  await twin.dispose?.();
});
