/** Host commands on the model backend: what it runs, and what it says of the rest. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nftablesOf } from '../netfilter/firewall-state.ts';
import { createModelBackend, MODEL_HOST_COMMANDS, uninterpretedHostCommand } from './model.ts';

test('a command the model does not interpret says so and lists what it runs (no fake "not found")', async () => {
  const b = await createModelBackend();
  await b.startHost({ dockerVersion: '28.5', daemonOptions: [] });
  for (const line of [
    'ip route add 10.0.0.0/8 via 172.17.0.9',
    'tc qdisc show',
    'docker network connect a b',
  ]) {
    const r = await b.hostCommand(line);
    const command = line.split(' ')[0];
    assert.equal(r.exitCode, 127, line);
    assert.doesNotMatch(r.stderr, /not found/);
    assert.match(r.stderr, new RegExp(`does not interpret "${command}" on the host`));
    for (const known of MODEL_HOST_COMMANDS) assert.ok(r.stderr.includes(known), `${line}: lists ${known}`);
    assert.match(r.stderr, /--backend dind or twin/);
  }
  assert.match(uninterpretedHostCommand('docker'), /nettwin steps/);
  assert.doesNotMatch(uninterpretedHostCommand('ip'), /nettwin steps/);
  // What it lists, it runs.
  assert.equal((await b.hostCommand('iptables -t filter -S FORWARD')).exitCode, 0);
  assert.equal((await b.hostCommand('iptables-save')).exitCode, 0);
  assert.equal((await b.hostCommand('iptables-legacy -S')).exitCode, 0);
  assert.equal((await b.hostCommand('iptables-legacy-save')).exitCode, 0);
  assert.equal((await b.hostCommand('sysctl -w net.ipv4.ip_forward=1')).exitCode, 0);
  assert.equal((await b.hostCommand('nft add table inet guard')).exitCode, 0);
  assert.match((await b.hostCommand('nft list ruleset')).stdout, /^table inet guard \{/);
  // The packet path sees the native table.
  assert.ok(nftablesOf(b.hostState().firewall)?.tables.some((t) => t.name === 'guard'));
  await b.dispose?.();
});
