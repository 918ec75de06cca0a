import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CounterDelta, Ruleset } from '../../src/netfilter/types.ts';
import {
  counterFor,
  expectedCounts,
  findOrderedLines,
  normalizeRuleLine,
  parseTableCell,
  tableLabel,
  tableRuleLines,
  tablesHoldingRule,
} from './rule-lines.ts';

const zero = { packets: 0, bytes: 0 };
const rule = (text: string) => ({ spec: { matches: [] }, text, counters: zero });
const ruleset: Ruleset = {
  tables: [
    {
      name: 'filter',
      leadingComments: [],
      trailingComments: [],
      chains: [
        {
          name: 'FORWARD',
          builtin: true,
          policy: 'ACCEPT',
          counters: zero,
          rules: [rule('-j DOCKER-USER'), rule('-j DOCKER-ISOLATION-STAGE-1'), rule('-o docker0 -j DOCKER')],
        },
        { name: 'DOCKER', builtin: false, counters: zero, rules: [] },
      ],
    },
    {
      name: 'nat',
      leadingComments: [],
      trailingComments: [],
      chains: [{ name: 'DOCKER', builtin: false, counters: zero, rules: [rule('-i docker0 -j RETURN')] }],
    },
  ],
};

test('tableRuleLines prefixes each rule with -A CHAIN', () => {
  assert.deepEqual(tableRuleLines(ruleset, 'nat'), ['-A DOCKER -i docker0 -j RETURN']);
  assert.deepEqual(tableRuleLines(ruleset, 'raw'), []);
});

test('tablesHoldingRule finds the table, whitespace-insensitive', () => {
  assert.deepEqual(tablesHoldingRule(ruleset, '-A DOCKER  -i docker0 -j RETURN'), ['nat']);
  assert.deepEqual(tablesHoldingRule(ruleset, '-A FORWARD -j DOCKER-USER'), ['filter']);
  assert.deepEqual(tablesHoldingRule(ruleset, '-A FORWARD -j DROP'), []);
});

test('findOrderedLines accepts gaps but not reordering', () => {
  const lines = tableRuleLines(ruleset, 'filter');
  assert.deepEqual(
    findOrderedLines(lines, ['-A FORWARD -j DOCKER-USER', '-A FORWARD -o docker0 -j DOCKER']),
    {
      ok: true,
    },
  );
  assert.deepEqual(
    findOrderedLines(lines, ['-A FORWARD -o docker0 -j DOCKER', '-A FORWARD -j DOCKER-USER']),
    {
      ok: false,
      missing: '-A FORWARD -j DOCKER-USER',
      afterLine: '-A FORWARD -o docker0 -j DOCKER',
      index: 1,
    },
  );
});

test('counterFor sums the matching deltas and reads absent rules as zero', () => {
  const deltas: CounterDelta[] = [
    { table: 'filter', chain: 'FORWARD', rule: 1, text: '-A FORWARD -j DOCKER-USER', packets: 3, bytes: 252 },
    { table: 'nat', chain: 'PREROUTING', rule: 0, text: ':PREROUTING ACCEPT', packets: 1, bytes: 84 },
  ];
  assert.deepEqual(counterFor(deltas, 'filter', '-A FORWARD  -j DOCKER-USER'), { packets: 3, bytes: 252 });
  assert.deepEqual(counterFor(deltas, 'nat', ':PREROUTING'), { packets: 1, bytes: 84 });
  assert.deepEqual(counterFor(deltas, 'nat', '-A FORWARD -j DOCKER-USER'), { packets: 0, bytes: 0 });
  assert.equal(normalizeRuleLine('  -A X   -j Y '), '-A X -j Y');
});

test('expectedCounts: the recording plus the extras the twin matched, nothing more', () => {
  assert.deepEqual(expectedCounts({ packets: 12 }, { packets: 0, bytes: 0 }), { packets: 12 });
  assert.deepEqual(expectedCounts({ packets: 12, bytes: 934 }, { packets: 1, bytes: 52 }), {
    packets: 13,
    bytes: 986,
  });
});

test('parseTableCell reads iptables and ip6tables table names, and nothing else', () => {
  assert.deepEqual(parseTableCell('nat'), { family: 'ipv4', table: 'nat' });
  assert.deepEqual(parseTableCell('ip filter'), { family: 'ipv4', table: 'filter' });
  assert.deepEqual(parseTableCell(' ip6  raw '), { family: 'ipv6', table: 'raw' });
  assert.equal(parseTableCell('inet filter'), undefined);
  assert.equal(parseTableCell('ip6 forward'), undefined);
  assert.equal(parseTableCell('ip6'), undefined);
});

test('parseTableCell and tableLabel round-trip every table of both families', () => {
  const tables = ['raw', 'mangle', 'nat', 'filter', 'security'] as const;
  fc.assert(
    fc.property(fc.constantFrom(...tables), fc.constantFrom('ipv4', 'ipv6'), (table, family) => {
      const ref = { family, table } as const;
      assert.deepEqual(parseTableCell(tableLabel(ref)), ref);
    }),
  );
  // Any other word is refused, never read as a table.
  fc.assert(
    fc.property(fc.string(), (text) => {
      const ref = parseTableCell(text);
      if (ref) assert.ok(tables.includes(ref.table) && /^(ip6?\s+)?\w+$/.test(text.trim()));
    }),
  );
});
