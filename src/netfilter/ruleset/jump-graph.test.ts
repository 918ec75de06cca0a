import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RulesetParseError } from './errors.ts';
import { checkJumpGraph, describeJumpPath, NFT_JUMP_STACK_SIZE } from './jump-graph.ts';
import { parseRuleset } from './parse.ts';
import { serializeRuleset } from './serialize.ts';

/** A filter table with user chains and `-A FROM -j|-g TO` rules (FROM may be a built-in). */
function dump(chains: string[], rules: Array<[string, '-j' | '-g', string]>): string {
  return [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ...chains.map((c) => `:${c} - [0:0]`),
    ...rules.map(([from, how, to]) => `-A ${from} ${how} ${to}`),
    'COMMIT',
    '',
  ].join('\n');
}

/** C1 -> C2 -> … -> Cn, optionally entered from INPUT. */
function ladder(n: number, reachable: boolean): string {
  const chains = Array.from({ length: n }, (_, k) => `C${k + 1}`);
  const rules: Array<[string, '-j' | '-g', string]> = chains
    .slice(0, -1)
    .map((c, k) => [c, '-j', chains[k + 1] as string]);
  if (reachable) rules.unshift(['INPUT', '-j', 'C1']);
  return dump(chains, rules);
}

const table = (text: string) =>
  parseRuleset(text).tables[0] as NonNullable<ReturnType<typeof parseRuleset>['tables'][0]>;

describe('jump loops in a dump (iptables-restore)', () => {
  it('a loop a built-in chain reaches is refused, naming the loop and the line that closes it', () => {
    const text = dump(
      ['L', 'M'],
      [
        ['INPUT', '-j', 'L'],
        ['L', '-j', 'M'],
        ['M', '-g', 'L'],
      ],
    );
    assert.throws(
      () => parseRuleset(text, { file: 'r.txt' }),
      (e: unknown) =>
        e instanceof RulesetParseError &&
        e.line === 9 &&
        /jump loop in table filter: INPUT -> L -> M -> L on line 9 of r\.txt: -A M -g L/.test(e.message),
    );
  });

  it('a chain jumping to itself from a built-in chain is refused', () => {
    assert.throws(
      () =>
        parseRuleset(
          dump(
            ['L'],
            [
              ['FORWARD', '-j', 'L'],
              ['L', '-j', 'L'],
            ],
          ),
        ),
      /jump loop in table filter: FORWARD -> L -> L on line 7/,
    );
  });

  it('a loop no built-in chain reaches is kept, as the kernel keeps it (measured, kernel 6.18)', () => {
    const text = dump(
      ['L', 'M'],
      [
        ['INPUT', '-j', 'ACCEPT'],
        ['L', '-j', 'M'],
        ['M', '-g', 'L'],
      ],
    );
    assert.equal(serializeRuleset(parseRuleset(text)), text);
  });

  it('a 70-deep ladder is not a loop, reached or not', () => {
    assert.equal(checkJumpGraph(table(ladder(70, true))), undefined);
    assert.equal(checkJumpGraph(table(ladder(70, false))), undefined);
    assert.doesNotThrow(() => parseRuleset(ladder(70, true)));
  });

  it('with nf_tables limit: a chain reached at level 16 is too deep, level 15 is fine; unreached depth is fine', () => {
    const limit = { maxLevel: NFT_JUMP_STACK_SIZE };
    // INPUT is level 0, so C15 sits at level 15 and C16 at level 16 (iptables -A C15 -j C16 fails).
    assert.equal(checkJumpGraph(table(ladder(15, true)), limit), undefined);
    const deep = checkJumpGraph(table(ladder(16, true)), limit);
    assert.equal(deep?.kind, 'depth');
    assert.equal(deep?.path.at(-1), 'C16');
    assert.equal(checkJumpGraph(table(ladder(70, false)), limit), undefined);
  });

  it('depth through a chain already walked from another built-in chain still counts', () => {
    // FORWARD walks C1…C10 first; INPUT then reaches C1 via 8 more chains: C10 at level 18.
    const chains = [
      ...Array.from({ length: 10 }, (_, k) => `C${k + 1}`),
      ...Array.from({ length: 8 }, (_, k) => `D${k + 1}`),
    ];
    const rules: Array<[string, '-j' | '-g', string]> = [['FORWARD', '-j', 'C1']];
    for (let k = 1; k < 10; k++) rules.push([`C${k}`, '-j', `C${k + 1}`]);
    rules.push(['INPUT', '-j', 'D1']);
    for (let k = 1; k < 8; k++) rules.push([`D${k}`, '-j', `D${k + 1}`]);
    rules.push(['D8', '-g', 'C1']);
    const problem = checkJumpGraph(table(dump(chains, rules)), { maxLevel: NFT_JUMP_STACK_SIZE });
    assert.equal(problem?.kind, 'depth');
    assert.deepEqual(problem?.path.slice(0, 3), ['INPUT', 'D1', 'D2']);
    assert.equal(problem?.path.length, NFT_JUMP_STACK_SIZE + 1);
  });

  it('property: a loop is found exactly when a cycle is reachable from a built-in chain', () => {
    const names = ['A', 'B', 'C', 'D', 'E'];
    const node = fc.constantFrom('INPUT', ...names);
    const edge = fc.tuple(node, fc.constantFrom('-j' as const, '-g' as const), fc.constantFrom(...names));
    fc.assert(
      fc.property(fc.array(edge, { maxLength: 10 }), (edges) => {
        // Reference: reachable set from INPUT, then a cycle among reachable nodes (DFS per node).
        const next = (n: string) => edges.filter(([f]) => f === n).map(([, , t]) => t);
        const reach = new Set<string>(['INPUT']);
        const todo = ['INPUT'];
        while (todo.length > 0)
          for (const t of next(todo.pop() as string)) if (!reach.has(t) && reach.add(t)) todo.push(t);
        const onCycle = (n: string) => {
          const seen = new Set<string>();
          const stack = next(n);
          while (stack.length > 0) {
            const t = stack.pop() as string;
            if (t === n) return true;
            if (!seen.has(t)) {
              seen.add(t);
              stack.push(...next(t));
            }
          }
          return false;
        };
        const expected = [...reach].some((n) => n !== 'INPUT' && onCycle(n));
        let refused: RulesetParseError | undefined;
        try {
          parseRuleset(dump(names, edges));
        } catch (e) {
          if (!(e instanceof RulesetParseError)) throw e;
          refused = e;
        }
        assert.equal(refused !== undefined, expected);
        if (refused) assert.match(refused.detail, /^jump loop in table filter: INPUT -> /);
      }),
      { numRuns: 300 },
    );
  });

  it('a long path is shortened in the middle', () => {
    const path = Array.from({ length: 100 }, (_, k) => `C${k}`);
    assert.equal(
      describeJumpPath(path),
      'C0 -> C1 -> C2 -> C3 -> C4 -> … 90 more … -> C95 -> C96 -> C97 -> C98 -> C99',
    );
  });
});
