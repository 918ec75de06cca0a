import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cloneRuleset, findChain } from '../netfilter/ruleset/index.ts';
import type { Chain, Rule, Ruleset } from '../netfilter/types.ts';
import { groundTruthFinal } from './fixtures.test-helper.ts';
import { compareRulesets, describeDifference } from './ruleset-diff.ts';

const e3 = () => groundTruthFinal('e3-publish-and-proxy');
const chain = (r: Ruleset, table: 'filter' | 'nat', name: string): Chain => {
  const c = findChain(r, table, name);
  assert.ok(c, `${table} ${name}`);
  return c;
};

test('a recorded ruleset equals itself, counters aside', () => {
  const real = e3();
  const model = cloneRuleset(real);
  chain(model, 'filter', 'FORWARD').rules.forEach((r) => {
    r.counters = { packets: 99, bytes: 9999 };
  });
  const cmp = compareRulesets(real, model);
  assert.equal(cmp.equal, true);
  assert.equal(cmp.unified, '');
});

test('embedded-DNS ports are ignored, other ports are not', () => {
  const real = e3();
  const model = cloneRuleset(real);
  for (const r of chain(model, 'nat', 'DOCKER_OUTPUT').rules)
    r.text = r.text.replace(/127\.0\.0\.11:\d+/, '127.0.0.11:1');
  for (const r of chain(model, 'nat', 'DOCKER_POSTROUTING').rules)
    r.text = r.text.replace(/--sport \d+/, '--sport 2');
  assert.equal(compareRulesets(real, model).equal, true);
  const dnat = chain(model, 'nat', 'DOCKER').rules[2];
  assert.ok(dnat);
  dnat.text = dnat.text.replace('--dport 8080', '--dport 8081');
  const cmp = compareRulesets(real, model);
  assert.equal(cmp.equal, false);
  assert.deepEqual(
    cmp.differences.map((d) => d.kind),
    ['missing-rule', 'extra-rule'],
  );
});

test('a rule the model lacks is reported with its number and shown as "-" in the diff', () => {
  const real = e3();
  const model = cloneRuleset(real);
  const stage2 = chain(model, 'filter', 'DOCKER-ISOLATION-STAGE-2');
  stage2.rules.splice(0, 1);
  const cmp = compareRulesets(real, model);
  assert.equal(cmp.differences.length, 1);
  const [d] = cmp.differences;
  assert.equal(d?.kind, 'missing-rule');
  assert.equal(d?.chain, 'DOCKER-ISOLATION-STAGE-2');
  assert.equal(d?.realRule, 1);
  assert.equal(d?.real, '-A DOCKER-ISOLATION-STAGE-2 -o test_net -j DROP');
  assert.match(cmp.unified, /^--- real\n\+\+\+ model\n@@ \*filter DOCKER-ISOLATION-STAGE-2 @@\n/);
  assert.match(
    cmp.unified,
    /\n--A DOCKER-ISOLATION-STAGE-2 -o test_net -j DROP\n -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP/,
  );
  assert.match(describeDifference(d as never), /real rule #1 not predicted/);
});

test('a rule the model invents is an extra rule', () => {
  const real = e3();
  const model = cloneRuleset(real);
  const user = chain(model, 'filter', 'DOCKER-USER');
  user.rules.unshift({ ...structuredClone(user.rules[0] as Rule), text: '-s 10.0.0.0/8 -j DROP' });
  const cmp = compareRulesets(real, model);
  assert.deepEqual(cmp.differences, [
    {
      kind: 'extra-rule',
      table: 'filter',
      chain: 'DOCKER-USER',
      model: '-A DOCKER-USER -s 10.0.0.0/8 -j DROP',
      modelRule: 1,
    },
  ]);
  assert.match(cmp.unified, /\n\+-A DOCKER-USER -s 10\.0\.0\.0\/8 -j DROP\n -A DOCKER-USER -j RETURN/);
});

test('two rules in another order are one move, not a missing and an extra rule', () => {
  const real = e3();
  const model = cloneRuleset(real);
  const fwd = chain(model, 'filter', 'FORWARD');
  const [a, b] = fwd.rules.splice(0, 2);
  fwd.rules.unshift(b as never, a as never);
  const cmp = compareRulesets(real, model);
  assert.equal(cmp.differences.length, 1);
  assert.equal(cmp.differences[0]?.kind, 'moved-rule');
  assert.equal(cmp.differences[0]?.chain, 'FORWARD');
  assert.notEqual(cmp.differences[0]?.realRule, cmp.differences[0]?.modelRule);
});

test('policy differences and missing chains are reported', () => {
  const real = e3();
  const model = cloneRuleset(real);
  chain(model, 'filter', 'FORWARD').policy = 'DROP';
  const nat = model.tables.find((t) => t.name === 'nat');
  assert.ok(nat);
  nat.chains = nat.chains.filter((c) => c.name !== 'DOCKER_POSTROUTING');
  const cmp = compareRulesets(real, model);
  const kinds = cmp.differences.map((d) => `${d.kind} ${d.chain}`);
  assert.ok(kinds.includes('policy FORWARD'), kinds.join());
  assert.ok(kinds.includes('missing-chain DOCKER_POSTROUTING'), kinds.join());
  assert.match(cmp.unified, /-:FORWARD ACCEPT\n\+:FORWARD DROP/);
});

test('an empty ACCEPT built-in chain equals an absent one (iptables-nft creates chains lazily)', () => {
  const real = e3();
  const model = cloneRuleset(real);
  const filter = real.tables.find((t) => t.name === 'filter');
  assert.ok(filter);
  filter.chains = filter.chains.filter((c) => c.name !== 'INPUT');
  assert.equal(compareRulesets(real, model).equal, true);
  chain(model, 'filter', 'INPUT').policy = 'DROP';
  assert.deepEqual(
    compareRulesets(real, model).differences.map((d) => d.kind),
    ['extra-chain'],
  );
});
