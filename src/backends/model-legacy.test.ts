/**
 * iptables-legacy beside iptables-nft on the model: `iptables-legacy …` host commands
 * write a second ruleset that the packet path walks after nft's at the same hooks; the
 * path names the legacy rule that decided, and iptables-save (nft) does not show it.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iptablesCountersOf, iptablesOf } from '../netfilter/firewall-state.ts';
import { serializeRuleset } from '../netfilter/ruleset/index.ts';
import { createModelBackend } from './model.ts';

for (const dockerVersion of ['20.10', '26.1', '28.5']) {
  test(`Docker ${dockerVersion}: a legacy FORWARD DROP drops a container's egress after nft counted it`, async () => {
    const b = createModelBackend();
    await b.startHost({ dockerVersion, daemonOptions: [] });
    await b.runContainer({ name: 'test1' });
    assert.equal((await b.hostCommand('iptables-legacy -A FORWARD -j DROP')).exitCode, 0);
    assert.ok(!serializeRuleset(iptablesOf(await b.readRuleset())).includes('-A FORWARD -j DROP'));
    assert.match((await b.hostCommand('iptables-legacy-save')).stdout, /-A FORWARD -j DROP/);
    await b.zeroCounters();
    const seen = await b.ping({ kind: 'container', name: 'test1' }, 'external', 2);
    const ping = seen.outcome;
    assert.equal(ping.received, 0);
    // The step's Observation counts the legacy rule under its own framework.
    assert.deepEqual(
      iptablesCountersOf(seen.counters, 'iptables-legacy').map((r) => [r.table, r.text, r.packets]),
      [['filter', '-A FORWARD -j DROP', 2]],
    );
    const texts = (ping.path ?? []).map((s) => s.text);
    assert.ok(
      texts.some((t) => t.startsWith('iptables-legacy filter FORWARD')),
      texts.join('\n'),
    );
    // The legacy table ran first (registered last): Docker's nft FORWARD counted nothing.
    const counted = iptablesCountersOf(await b.readCounters()).find(
      (d) => d.text === '-A FORWARD -j DOCKER-USER',
    );
    assert.equal(counted, undefined);
    assert.equal((await b.hostCommand('iptables-legacy -D FORWARD -j DROP')).exitCode, 0);
    assert.equal((await b.ping({ kind: 'container', name: 'test1' }, 'external', 1)).outcome.received, 1);
  });
}
