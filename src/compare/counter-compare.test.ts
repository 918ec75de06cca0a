import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CounterDelta } from '../netfilter/types.ts';
import { compareCounters } from './counter-compare.ts';
import { countersOf } from './counter-deltas.ts';
import { groundTruthStep } from './fixtures.test-helper.ts';
import { renderCounterComparisonText } from './render-text.ts';

const icmpStep = () => countersOf(groundTruthStep('e2-cross-bridge', 'test1 pings test3 across bridges'));
const tcpStep = () =>
  countersOf(groundTruthStep('e3-publish-and-proxy', 'external client GETs host:8080 (outer'));

const edit = (rows: CounterDelta[], text: string, change: Partial<CounterDelta>): CounterDelta[] =>
  rows.map((r) => (r.text === text ? { ...r, ...change } : r));

test('recorded deltas equal themselves', () => {
  for (const rows of [icmpStep(), tcpStep()]) {
    const cmp = compareCounters(rows, structuredClone(rows), { protocol: 'icmp' });
    assert.equal(cmp.equal, true);
    assert.equal(cmp.rows.length, rows.length);
    assert.ok(cmp.rows.every((r) => r.status === 'match'));
  }
});

test('countersOf lists policies and rules that counted, with their numbers', () => {
  const rows = icmpStep();
  const drop = rows.find((r) => r.text === '-A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP');
  assert.deepEqual(drop, {
    table: 'filter',
    chain: 'DOCKER-ISOLATION-STAGE-2',
    rule: 1,
    text: '-A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP',
    packets: 3,
    bytes: 252,
  });
  assert.ok(
    rows.some((r) => r.table === 'nat' && r.rule === 0 && r.text === ':PREROUTING ACCEPT' && r.packets === 3),
  );
  assert.ok(rows.every((r) => r.packets > 0));
});

test('ICMP: a byte difference anywhere fails', () => {
  const real = icmpStep();
  const model = edit(real, '-A DOCKER-USER -j RETURN', { bytes: 251 });
  const cmp = compareCounters(real, model, { protocol: 'icmp', byteTolerance: 100 });
  assert.equal(cmp.equal, false);
  assert.deepEqual(
    cmp.mismatches.map((r) => [r.text, r.status]),
    [['-A DOCKER-USER -j RETURN', 'bytes']],
  );
});

test('a rule only the real host counted is a missed hit; one only the model counted is an extra hit', () => {
  const real = icmpStep();
  const model = real.filter((r) => r.chain !== 'DOCKER-ISOLATION-STAGE-2');
  model.push({
    table: 'filter',
    chain: 'FORWARD',
    rule: 5,
    text: '-A FORWARD -i test_web ! -o test_web -j ACCEPT',
    packets: 3,
    bytes: 252,
  });
  const cmp = compareCounters(real, model, { protocol: 'icmp' });
  assert.deepEqual(
    cmp.mismatches.map((r) => [r.chain, r.status, r.realRule, r.modelRule]),
    [
      ['DOCKER-ISOLATION-STAGE-2', 'missing-hit', 1, undefined],
      ['FORWARD', 'extra-hit', undefined, 5],
    ],
  );
});

test('TCP: filter bytes within tolerance pass, packets and nat bytes stay exact', () => {
  const real = tcpStep();
  const fuzzy = edit(real, '-A FORWARD -i test_net ! -o test_net -j ACCEPT', { bytes: 533 + 10 });
  const ok = compareCounters(real, fuzzy, { protocol: 'tcp', byteTolerance: 16 });
  assert.equal(ok.equal, true);
  assert.equal(ok.rows.find((r) => r.text.startsWith('-A FORWARD -i test_net'))?.status, 'within-tolerance');
  assert.equal(compareCounters(real, fuzzy, { protocol: 'tcp', byteTolerance: 9 }).equal, false);

  const packets = edit(real, '-A FORWARD -i test_net ! -o test_net -j ACCEPT', { packets: 7 });
  assert.equal(
    compareCounters(real, packets, { protocol: 'tcp', byteTolerance: 1000 }).mismatches[0]?.status,
    'packets',
  );

  const nat = edit(real, '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER', { bytes: 61 });
  const natCmp = compareCounters(real, nat, { protocol: 'tcp', byteTolerance: 1000 });
  assert.deepEqual(
    natCmp.mismatches.map((r) => [r.table, r.status]),
    [['nat', 'bytes']],
  );
});

test('policy rows match by chain, and DNS port numbers do not split rows', () => {
  const real: CounterDelta[] = [
    {
      table: 'nat',
      chain: 'DOCKER_OUTPUT',
      rule: 2,
      text: '-A DOCKER_OUTPUT -d 127.0.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:53707',
      packets: 1,
      bytes: 70,
    },
  ];
  const model: CounterDelta[] = [
    {
      ...(real[0] as CounterDelta),
      text: '-A DOCKER_OUTPUT -d 127.0.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:40000',
    },
  ];
  assert.equal(compareCounters(real, model, { protocol: 'udp' }).equal, true);
});

test('the text rendering puts disagreeing rows first', () => {
  const real = icmpStep();
  const model = edit(real, '-A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP', { packets: 0, bytes: 0 });
  const text = renderCounterComparisonText(compareCounters(real, model, { protocol: 'icmp' }));
  const lines = text.split('\n');
  assert.match(
    lines[1] ?? '',
    /^MISSED\s+filter\s+1\s+1\s+\[3:252\]\s+\[0:0\]\s+-A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP$/,
  );
  assert.match(text, /\(rows that agree\)/);
});

test('timing variations: the prediction plus 0..upTo extra packets, the same number on every row', () => {
  const model = tcpStep();
  const extraRows = model
    .filter((r) => r.table === 'filter' && /DOCKER-USER|ISOLATION-STAGE-1 -j RETURN/.test(r.text))
    .map((r) => ({ ...r, packets: 1, bytes: 52 }));
  assert.ok(extraRows.length >= 2);
  const variations = [{ reason: 'ACK of response to 192.168.70.6:8080', upTo: 1, counters: extraRows }];
  const plus = (n: number, rows: CounterDelta[]) =>
    model.map((r) => {
      const e = rows.find((x) => x.text === r.text && x.table === r.table);
      return e ? { ...r, packets: r.packets + n * e.packets, bytes: r.bytes + n * e.bytes } : r;
    });
  const once = compareCounters(plus(1, extraRows), model, { protocol: 'tcp', variations });
  assert.equal(once.equal, true);
  assert.match(once.variation ?? '', /^\+1 ACK of response/);
  assert.deepEqual(once.variationExtra, extraRows);
  assert.match(renderCounterComparisonText(once), /timing-dependent packets: \+1 ACK/);
  // Two extra ACKs where at most one is possible, or an extra packet on only some rows: a mismatch.
  assert.equal(compareCounters(plus(2, extraRows), model, { protocol: 'tcp', variations }).equal, false);
  const partial = plus(1, extraRows.slice(0, 1));
  assert.equal(compareCounters(partial, model, { protocol: 'tcp', variations }).equal, false);
  // Without variations the same counters are a mismatch, and an exact match names none.
  assert.equal(compareCounters(plus(1, extraRows), model, { protocol: 'tcp' }).equal, false);
  assert.equal(compareCounters(model, model, { protocol: 'tcp', variations }).variation, undefined);
});
