import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatRuleSpec } from '../ruleset/rule-spec.ts';
import { emptyRuleset, findChain } from '../ruleset/tables.ts';
import type { Ruleset } from '../types.ts';
import { runIptables } from './run.ts';

const sh = (line: string) => line.split(/\s+/).filter((x) => x !== '');
const texts = (rs: Ruleset, chain = 'INPUT') =>
  findChain(rs, 'filter', chain)?.rules.map((r) => r.text) ?? [];

/** A few rule specs, some the same rule written differently (`-s 10.0.0.1` is `-s 10.0.0.1/32`). */
const SPECS = [
  '-s 10.0.0.1 -j ACCEPT',
  '-s 10.0.0.1/32 -j ACCEPT',
  '-p tcp --dport 80 -j DROP',
  '-p tcp -m tcp --dport 80 -j DROP',
  '-i eth0 -j RETURN',
  '-j ACCEPT',
];

type Op =
  | { op: 'A' | 'C' | 'D'; spec: number }
  | { op: 'I' | 'R'; at: number; spec: number }
  | { op: 'Dn'; at: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constantFrom('A' as const, 'C' as const, 'D' as const),
    spec: fc.nat(SPECS.length - 1),
  }),
  fc.record({
    op: fc.constantFrom('I' as const, 'R' as const),
    at: fc.integer({ min: 0, max: 8 }),
    spec: fc.nat(SPECS.length - 1),
  }),
  fc.record({ op: fc.constant('Dn' as const), at: fc.integer({ min: 0, max: 8 }) }),
);

/** The plain model the index must agree with: scan the chain, format every rule. */
function naive(rules: string[], op: Op): number {
  const canonical = (text: string) => {
    const rs = emptyRuleset(['filter']);
    runIptables(rs, sh(`-A INPUT ${text}`));
    return formatRuleSpec(findChain(rs, 'filter', 'INPUT')?.rules[0]?.spec ?? { matches: [] });
  };
  switch (op.op) {
    case 'A':
      rules.push(canonical(SPECS[op.spec] as string));
      return 0;
    case 'C':
    case 'D': {
      const at = rules.indexOf(canonical(SPECS[op.spec] as string));
      if (at < 0) return 1;
      if (op.op === 'D') rules.splice(at, 1);
      return 0;
    }
    case 'I':
      if (op.at < 1) return 2;
      if (op.at > rules.length + 1) return 1;
      rules.splice(op.at - 1, 0, canonical(SPECS[op.spec] as string));
      return 0;
    case 'R':
      if (op.at < 1) return 2;
      if (op.at > rules.length) return 1;
      rules[op.at - 1] = canonical(SPECS[op.spec] as string);
      return 0;
    case 'Dn':
      if (op.at < 1) return 2;
      if (op.at > rules.length) return 1;
      rules.splice(op.at - 1, 1);
      return 0;
  }
}

function argv(op: Op): string[] {
  switch (op.op) {
    case 'A':
    case 'C':
    case 'D':
      return sh(`-${op.op} INPUT ${SPECS[op.spec]}`);
    case 'I':
    case 'R':
      return sh(`-${op.op} INPUT ${op.at} ${SPECS[op.spec]}`);
    case 'Dn':
      return sh(`-D INPUT ${op.at}`);
  }
}

describe('rules indexed by canonical text (-C, -D)', () => {
  it('any sequence of -A -I -R -C -D (by spec and by number) does what a scan of the chain does', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const rs = emptyRuleset(['filter']);
        runIptables(rs, sh('-A INPUT -j ACCEPT'));
        const model = [...texts(rs)];
        for (const op of ops) {
          const want = naive(model, op);
          const got = runIptables(rs, argv(op)).exitCode;
          assert.equal(got, want, `${argv(op).join(' ')}`);
          assert.deepEqual(texts(rs), model);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('-D removes the first of two equal rules, wherever -I put them', () => {
    const rs = emptyRuleset(['filter']);
    // Counters tell the equal rules apart: [1:1] appended first, [3:3] inserted above both.
    runIptables(rs, sh('-A INPUT -c 1 1 -s 10.0.0.1 -j ACCEPT'));
    runIptables(rs, sh('-A INPUT -j DROP'));
    runIptables(rs, sh('-I INPUT 2 -c 2 2 -s 10.0.0.1/32 -j ACCEPT'));
    runIptables(rs, sh('-I INPUT 1 -c 3 3 -s 10.0.0.1/32 -j ACCEPT'));
    const packets = () => findChain(rs, 'filter', 'INPUT')?.rules.map((r) => r.counters.packets);
    assert.deepEqual(packets(), [3, 1, 2, 0]);
    assert.equal(runIptables(rs, sh('-D INPUT -s 10.0.0.1 -j ACCEPT')).exitCode, 0);
    assert.deepEqual(packets(), [1, 2, 0]);
    assert.equal(runIptables(rs, sh('-D INPUT -s 10.0.0.1 -j ACCEPT')).exitCode, 0);
    assert.deepEqual(packets(), [2, 0]);
  });

  it('a chain whose rules changed behind the index (flush, rename, rules replaced) is re-read', () => {
    const rs = emptyRuleset(['filter']);
    runIptables(rs, sh('-N A'));
    runIptables(rs, sh('-A INPUT -j A'));
    assert.equal(runIptables(rs, sh('-C INPUT -j A')).exitCode, 0);
    runIptables(rs, sh('-E A B'));
    assert.equal(runIptables(rs, sh('-C INPUT -j B')).exitCode, 0);
    assert.equal(runIptables(rs, sh('-C INPUT -j A')).exitCode, 2, 'chain A is gone');
    runIptables(rs, sh('-F INPUT'));
    assert.equal(runIptables(rs, sh('-C INPUT -j B')).exitCode, 1);
    const input = findChain(rs, 'filter', 'INPUT');
    assert.ok(input);
    input.rules = [];
    runIptables(rs, sh('-A INPUT -j ACCEPT'));
    input.rules.push({ ...(input.rules[0] as (typeof input.rules)[0]) });
    assert.equal(runIptables(rs, sh('-D INPUT -j ACCEPT')).exitCode, 0);
    assert.equal(runIptables(rs, sh('-D INPUT -j ACCEPT')).exitCode, 0);
    assert.equal(runIptables(rs, sh('-C INPUT -j ACCEPT')).exitCode, 1);
  });
});
