import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PathStep } from '../netfilter/host-types.ts';
import { decidingRule, explainPath, undecidedReason } from './deciding.ts';

let packet = 1;
const at = (n: number) => {
  packet = n;
};
const step = (kind: PathStep['kind'], text: string, more: Partial<PathStep> = {}): PathStep => ({
  packet,
  direction: packet % 2 === 1 ? 'request' : 'reply',
  src: '172.18.0.2',
  dst: '172.19.0.2',
  kind,
  text,
  ...more,
});
const rule = (table: PathStep['table'], chain: string, text: string, verdict: string) =>
  step('rule', `-A ${chain} ${text}  => ${verdict}`, { table, chain, rule: 1 });

test('a dropped request: the rule just before the drop decided, without its "=> DROP"', () => {
  at(1);
  const path = [
    step('hook', 'filter FORWARD', { table: 'filter', chain: 'FORWARD' }),
    rule('filter', 'FORWARD', '-j DOCKER-ISOLATION-STAGE-1', 'jump DOCKER-ISOLATION-STAGE-1'),
    rule('filter', 'DOCKER-ISOLATION-STAGE-2', '-o br-b -j DROP', 'DROP'),
    step('drop', 'dropped by filter DOCKER-ISOLATION-STAGE-2 rule 1'),
  ];
  assert.deepEqual(decidingRule(path, 'timeout'), {
    table: 'filter',
    chain: 'DOCKER-ISOLATION-STAGE-2',
    text: '-A DOCKER-ISOLATION-STAGE-2 -o br-b -j DROP',
  });
  assert.equal(undecidedReason(path), 'dropped by filter DOCKER-ISOLATION-STAGE-2 rule 1');
});

test("a chain's DROP policy, and a REJECT, decide too", () => {
  at(1);
  const policy = [
    step('policy', ':FORWARD DROP (falls off the end of filter FORWARD)', {
      table: 'filter',
      chain: 'FORWARD',
    }),
    step('drop', 'dropped by filter FORWARD policy'),
  ];
  assert.deepEqual(decidingRule(policy, 'timeout'), {
    table: 'filter',
    chain: 'FORWARD',
    text: ':FORWARD DROP',
  });
  const reject = [
    rule('filter', 'INPUT', '-p tcp -j REJECT --reject-with tcp-reset', 'REJECT'),
    step('drop', 'rejected (tcp-reset) by filter INPUT rule 1'),
  ];
  assert.equal(decidingRule(reject, 'refused')?.text, '-A INPUT -p tcp -j REJECT --reject-with tcp-reset');
});

test('the kernel dropping with no rule (ip_forward off, no route) names no rule but a reason', () => {
  at(1);
  const path = [
    step('policy', ':PREROUTING ACCEPT (falls off the end of nat PREROUTING)', {
      table: 'nat',
      chain: 'PREROUTING',
    }),
    step('drop', 'not forwarded: net.ipv4.ip_forward is not 1'),
  ];
  assert.equal(decidingRule(path, 'timeout'), null);
  assert.equal(undecidedReason(path), 'not forwarded: net.ipv4.ip_forward is not 1');
  const refused = [step('socket', 'host: nothing listens on tcp port 9090: RST')];
  assert.equal(decidingRule(refused, 'refused'), null);
  assert.equal(undecidedReason(refused), 'host: nothing listens on tcp port 9090: RST');
});

test("a delivered cell: the last filter ACCEPT of the first packet, not nat's, not the reply's", () => {
  at(1);
  const first = [
    rule('nat', 'DOCKER', '-p tcp -j DNAT --to-destination 172.18.0.2:80', 'DNAT to 172.18.0.2:80'),
    step('policy', ':POSTROUTING ACCEPT (falls off the end of nat POSTROUTING)', {
      table: 'nat',
      chain: 'POSTROUTING',
    }),
    rule('filter', 'FORWARD', '-j DOCKER', 'jump DOCKER'),
    rule('filter', 'DOCKER', '-d 172.18.0.2/32 -p tcp -m tcp --dport 80 -j ACCEPT', 'ACCEPT'),
  ];
  at(2);
  const reply = [rule('filter', 'FORWARD', '-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', 'ACCEPT')];
  assert.deepEqual(decidingRule([...first, ...reply], 'delivered'), {
    table: 'filter',
    chain: 'DOCKER',
    text: '-A DOCKER -d 172.18.0.2/32 -p tcp -m tcp --dport 80 -j ACCEPT',
  });
  // No filtering at all (only nat looked): no deciding rule.
  assert.equal(decidingRule(first.slice(0, 2), 'delivered'), null);
});

test('native nft chains: table from the hook, chain and rule from the step', () => {
  at(1);
  const path = [
    step('hook', 'nft ip docker-bridges forward (priority 0)'),
    step('rule', 'forward: oifname vmap @filter-forward-out-jumps'),
    step('rule', 'filter-forward-out__docker0: ct state new drop'),
    step('drop', 'dropped by ip docker-bridges filter-forward-out__docker0 rule 3'),
  ];
  assert.deepEqual(decidingRule(path, 'timeout'), {
    table: 'ip docker-bridges',
    chain: 'filter-forward-out__docker0',
    text: 'ct state new drop',
  });
  const accepted = [
    step('hook', 'nft inet filter forward (priority 0)'),
    step('rule', 'forward: ct state new accept'),
  ];
  assert.deepEqual(decidingRule(accepted, 'delivered'), {
    table: 'inet filter',
    chain: 'forward',
    text: 'ct state new accept',
  });
  // Docker 29's nftables backend: accept with a comment; a later nat chain's policy accept decides nothing.
  const commented = [
    step('hook', 'nft ip docker-bridges filter-FORWARD (priority 0)'),
    step('rule', 'filter-FORWARD: oifname vmap @filter-forward-in-jumps'),
    step('rule', 'filter-forward-in__br-x: iifname "br-x" counter accept comment "ICC"'),
    step('hook', 'nft ip docker-bridges nat-POSTROUTING (priority 100)'),
    step('rule', 'policy accept (end of ip docker-bridges nat-POSTROUTING)'),
  ];
  assert.deepEqual(decidingRule(commented, 'delivered'), {
    table: 'ip docker-bridges',
    chain: 'filter-forward-in__br-x',
    text: 'iifname "br-x" counter accept comment "ICC"',
  });
  const policy = [
    step('hook', 'nft inet filter input (priority 0)'),
    step('rule', 'policy drop (end of inet filter input)'),
    step('drop', 'dropped by inet filter input policy'),
  ];
  assert.deepEqual(decidingRule(policy, 'timeout'), {
    table: 'inet filter',
    chain: 'input',
    text: 'policy drop',
  });
});

test('explainPath: the packets up to the one that was stopped, hooks as headings', () => {
  at(1);
  const a = step('hook', 'filter FORWARD', { table: 'filter', chain: 'FORWARD' });
  at(3);
  const b = step('drop', 'dropped by filter FORWARD policy');
  at(5);
  const c = step('note', 'never shown');
  const lines = explainPath([a, b, c]);
  assert.deepEqual(lines, [
    'packet 1 (request)',
    '  filter FORWARD',
    'packet 3 (request)',
    '    drop      dropped by filter FORWARD policy',
  ]);
});
