/** Docker 29's iptables layout through a network's life and a daemon restart (the documents show only the end states). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compareRulesets } from '../compare/ruleset-diff.ts';
import { parseRuleset, serializeRuleset } from '../netfilter/ruleset/index.ts';
import { runDockerScript } from './script.ts';

const fixtures = new URL('../../fixtures/', import.meta.url);
const scenario = (doc: string) => readFileSync(new URL(`scripts/moby/${doc}.docker`, fixtures), 'utf8');
const newDaemon = parseRuleset(
  readFileSync(new URL('golden/moby-29.7.2/iptables/new-daemon.txt', fixtures), 'utf8'),
);

/** The model's ruleset without the raw table (the new-daemon document shows filter and nat). */
const filterAndNat = (text: string) =>
  parseRuleset(text.replace(/\*raw\n[\s\S]*?COMMIT\n/, ''), { file: 'model' });

test('29.7: removing the containers and networks of every scenario leaves the new-daemon rules', () => {
  for (const doc of [
    'usernet-portmap',
    'usernet-internal',
    'usernet-portmap-routed',
    'usernet-portmap-noicc',
  ]) {
    const teardown = [
      'docker rm -f c1',
      ...(doc === 'usernet-internal'
        ? ['docker rm -f c2', 'docker network rm bridgeICC', 'docker network rm bridgeNoICC']
        : ['docker network rm bridge1']),
    ];
    const m = runDockerScript(`${scenario(doc)}\n${teardown.join('\n')}\n`, { version: '29.7', file: doc });
    const cmp = compareRulesets(newDaemon, filterAndNat(serializeRuleset(m.ruleset())));
    assert.ok(cmp.equal, `${doc}:\n${cmp.unified}`);
  }
});

test('29.7: a daemon restart rebuilds the same chains and rules, and never the isolation chains', () => {
  const before = runDockerScript(scenario('usernet-internal'), { version: '29.7' });
  const after = runDockerScript(`${scenario('usernet-internal')}\ndockerd restart\n`, { version: '29.7' });
  const text = serializeRuleset(after.ruleset());
  assert.doesNotMatch(text, /ISOLATION/);
  const cmp = compareRulesets(parseRuleset(serializeRuleset(before.ruleset())), parseRuleset(text));
  // The default bridge is made anew at a restart, so its rules may move; the rest stays.
  const moved = cmp.differences.filter((d) => d.kind !== 'moved-rule');
  assert.deepEqual(moved, [], cmp.unified);
});
