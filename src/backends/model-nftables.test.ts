/**
 * Native nft tables beside Docker's on the model: a traffic step's Observation carries
 * what native rules counted beside iptables' rows, zeroed before each step like theirs;
 * the twin judges both in the one comparison of the step.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iptablesCountersOf, nftablesOf, nftCountersOf } from '../netfilter/firewall-state.ts';
import { createModelBackend } from './model.ts';
import { createTwinBackend, TwinMismatchError } from './twin.ts';

async function hostWithGuard(rule: string) {
  const b = createModelBackend();
  await b.startHost({ dockerVersion: '28.5', daemonOptions: [] });
  await b.runContainer({ name: 'test1' });
  await b.runContainer({ name: 'test2' });
  for (const line of [
    'nft add table inet guard',
    "nft add chain inet guard forward '{ type filter hook forward priority -10; policy accept; }'",
    `nft add rule inet guard forward ${rule}`,
  ]) {
    const r = await b.hostCommand(line);
    assert.equal(r.exitCode, 0, r.stderr);
  }
  return b;
}

test('a ping observed: native counters beside iptables, every step from zero', async () => {
  const b = await hostWithGuard('counter accept');
  const test1 = { kind: 'container', name: 'test1' } as const;
  const first = await b.ping(test1, 'test2', 3);
  assert.equal(first.outcome.received, 3);
  assert.deepEqual(
    nftCountersOf(first.counters).map((r) => [
      `${r.family} ${r.table} ${r.chain}: ${r.text}`,
      r.packets,
      r.bytes,
    ]),
    [['inet guard forward: accept', 6, 504]],
  );
  assert.ok(
    iptablesCountersOf(first.counters).some((r) => r.text === '-A FORWARD -j DOCKER-USER' && r.packets === 6),
  );
  const second = await b.ping(test1, 'test2', 1);
  assert.deepEqual(
    nftCountersOf(second.counters).map((r) => r.packets),
    [2],
    'zeroed before the step, not summed over steps',
  );
  assert.equal(nftablesOf(await b.readRuleset())?.tables[0]?.name, 'guard');
});

test('twin: a native rule that counts on one side only is a counter mismatch naming it', async () => {
  const real = await hostWithGuard('counter accept');
  const model = await hostWithGuard('ip saddr 10.9.9.9 counter accept');
  // Both sides are already started: the twin only drives traffic on them.
  const twin = createTwinBackend({ real, model, compareRulesets: false });
  const error = await twin.ping({ kind: 'container', name: 'test1' }, 'test2', 3).then(
    () => assert.fail('the ping should have been a mismatch'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof TwinMismatchError, String(error));
  assert.match(error.message, /\(counters\)/);
  assert.match(error.message, /first disagreement: inet guard forward: accept/);
});
