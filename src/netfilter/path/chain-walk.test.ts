import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRuleset, serializeRuleset } from '../ruleset/index.ts';
import type { Rule, RuleSpec, Ruleset } from '../types.ts';
import { indexRuleset, type WalkContext, walkHook } from './chain-walk.ts';
import { RoutingTable } from './routing.ts';
import { packet, testHost } from './test-support.ts';
import { CounterRecorder, PathTracer } from './trace.ts';

function context(ruleset: Ruleset, lazyBuiltins = true): WalkContext {
  const index = indexRuleset(ruleset);
  return {
    index,
    lazyBuiltins,
    routing: new RoutingTable(testHost('')),
    ipsets: {},
    counters: new CounterRecorder(index.order),
    tracer: new PathTracer(true),
  };
}

const DUMP = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:A - [0:0]
:B - [0:0]
-A FORWARD -j A
-A FORWARD -p tcp -j ACCEPT
-A A -g B
-A A -j DROP
-A B -s 10.0.0.0/8
-A B -j RETURN
COMMIT
`;

function rule(spec: Partial<RuleSpec>, text: string): Rule {
  return { spec: { matches: [], ...spec }, text, counters: { packets: 0, bytes: 0 } };
}

describe('walkHook (one table, one hook)', () => {
  it('goto: RETURN from the goto target returns to the caller of the chain that jumped', () => {
    const rs = parseRuleset(DUMP);
    const ctx = context(rs);
    const v = walkHook(ctx, 'filter', 'FORWARD', packet({ protocol: 'tcp', length: 60 }));
    assert.equal(v.kind, 'accept');
    const moved = ctx.counters.list().map((c) => `${c.chain}#${c.rule}=${c.packets}:${c.bytes}`);
    // A's DROP (rule 2) is skipped; B's rule without target only counts.
    assert.deepEqual(moved, ['FORWARD#1=1:60', 'FORWARD#2=1:60', 'A#1=1:60', 'B#2=1:60']);
  });
  it('falling off a built-in chain applies and counts its policy', () => {
    const rs = parseRuleset(DUMP);
    const ctx = context(rs);
    const v = walkHook(ctx, 'filter', 'FORWARD', packet({ protocol: 'udp', length: 40 }));
    assert.equal(v.kind, 'drop');
    const chain = rs.tables[0]?.chains.find((c) => c.name === 'FORWARD');
    assert.deepEqual(chain?.counters, { packets: 1, bytes: 40 });
    assert.match(serializeRuleset(rs, { counters: true }), /:FORWARD DROP \[1:40\]/);
  });
  it('iptables-nft: an empty ACCEPT built-in chain does not exist and counts nothing', () => {
    const lazy = parseRuleset(DUMP);
    walkHook(context(lazy), 'filter', 'INPUT', packet({}));
    assert.match(serializeRuleset(lazy, { counters: true }), /:INPUT ACCEPT \[0:0\]/);
    const legacy = parseRuleset(DUMP);
    walkHook(context(legacy, false), 'filter', 'INPUT', packet({ length: 60 }));
    assert.match(serializeRuleset(legacy, { counters: true }), /:INPUT ACCEPT \[1:60\]/);
  });
  it('a jump loop is a clear error naming the chains', () => {
    const rs = parseRuleset(DUMP);
    const a = rs.tables[0]?.chains.find((c) => c.name === 'A');
    const b = rs.tables[0]?.chains.find((c) => c.name === 'B');
    assert.ok(a && b);
    a.rules = [rule({ target: { name: 'B', goto: false, options: [] } }, '-j B')];
    b.rules = [rule({ target: { name: 'A', goto: false, options: [] } }, '-j A')];
    assert.throws(() => walkHook(context(rs), 'filter', 'FORWARD', packet({})), /jump loop .*A -> B -> A/);
    b.rules = [rule({ target: { name: 'A', goto: true, options: [] } }, '-g A')];
    a.rules = [rule({ target: { name: 'B', goto: true, options: [] } }, '-g B')];
    assert.throws(() => walkHook(context(rs), 'filter', 'FORWARD', packet({})), /jump loop/);
  });
  it('an unknown target or match is an error with the rule text, never a no-op', () => {
    const rs = parseRuleset(DUMP);
    const forward = rs.tables[0]?.chains.find((c) => c.name === 'FORWARD');
    assert.ok(forward);
    forward.rules = [rule({ target: { name: 'TPROXY', goto: false, options: [] } }, '-j TPROXY')];
    assert.throws(
      () => walkHook(context(rs), 'filter', 'FORWARD', packet({})),
      /unknown target or chain "TPROXY".*rule 1 of chain FORWARD: "-A FORWARD -j TPROXY"/,
    );
    forward.rules = [rule({ matches: [{ name: 'geoip', options: [] }] }, '-m geoip')];
    assert.throws(
      () => walkHook(context(rs), 'filter', 'FORWARD', packet({})),
      /unknown match "-m geoip".*"-A FORWARD -m geoip"/,
    );
  });
  it('picks up rules edited between walks', () => {
    const rs = parseRuleset(DUMP);
    const ctx = context(rs);
    assert.equal(walkHook(ctx, 'filter', 'FORWARD', packet({ protocol: 'udp' })).kind, 'drop');
    const forward = rs.tables[0]?.chains.find((c) => c.name === 'FORWARD');
    forward?.rules.unshift(
      rule(
        { protocol: { invert: false, value: 'udp' }, target: { name: 'ACCEPT', goto: false, options: [] } },
        '-p udp -j ACCEPT',
      ),
    );
    assert.equal(walkHook(ctx, 'filter', 'FORWARD', packet({ protocol: 'udp' })).kind, 'accept');
  });
});
