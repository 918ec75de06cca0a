/** The `nft` command line on a host's native tables, as a scenario's host commands run it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { runNft } from './command.ts';
import { serializeNftRuleset } from './serialize.ts';
import type { NftRuleset } from './types.ts';

const nft = (rs: NftRuleset, line: readonly string[]) => runNft(rs, line);

describe('nft commands', () => {
  it('lists interface names quoted as nft does, however the command wrote them', () => {
    const rs: NftRuleset = { tables: [] };
    const lines: string[][] = [
      ['add', 'table', 'inet', 'f'],
      ['add', 'chain', 'inet', 'f', 'fwd', '{ type filter hook forward priority 0; policy accept; }'],
      ['add', 'rule', 'inet', 'f', 'fwd', 'iifname', 'web_net', 'oifname', '{', 'a,', '"b"', '}', 'accept'],
      ['add', 'rule', 'inet', 'f', 'fwd', 'oifname', '"eth0"', 'drop'],
    ];
    for (const argv of lines) assert.equal(nft(rs, argv).exitCode, 0, argv.join(' '));
    const rules = rs.tables[0]?.chains[0]?.rules.map((r) => r.text);
    assert.deepEqual(rules, ['iifname "web_net" oifname { "a", "b" } accept', 'oifname "eth0" drop']);
  });

  it('builds a table, a base chain and rules; lists them as nft does', () => {
    const rs: NftRuleset = { tables: [] };
    for (const argv of [
      ['add', 'table', 'inet', 'guard'],
      [
        'add',
        'chain',
        'inet',
        'guard',
        'forward',
        '{ type filter hook forward priority -10; policy accept; }',
      ],
      ['add', 'rule', 'inet', 'guard', 'forward', 'ip', 'saddr', '172.17.0.2', 'counter', 'drop'],
      ['insert', 'rule', 'inet', 'guard', 'forward', 'ct', 'state', 'established,related', 'accept'],
    ]) {
      assert.deepEqual(nft(rs, argv), { exitCode: 0, stdout: '', stderr: '' }, argv.join(' '));
    }
    const listed = nft(rs, ['list', 'ruleset']).stdout;
    assert.equal(
      listed,
      [
        'table inet guard {',
        '\tchain forward {',
        '\t\ttype filter hook forward priority filter - 10; policy accept;',
        '\t\tct state established,related accept',
        '\t\tip saddr 172.17.0.2 counter packets 0 bytes 0 drop',
        '\t}',
        '}',
        '',
      ].join('\n'),
    );
    assert.equal(rs.tables[0]?.chains[0]?.base?.priority, -10);
  });

  it('refuses what nft refuses, naming it, and changes nothing', () => {
    const rs: NftRuleset = { tables: [] };
    nft(rs, ['add', 'table', 'ip', 't']);
    const before = serializeNftRuleset(rs);
    for (const [argv, why] of [
      [['add', 'rule', 'ip', 'nope', 'c', 'accept'], /no table nope in family ip/],
      [['add', 'rule', 'ip', 't', 'c', 'accept'], /no chain c in table ip t/],
      [['add', 'table', 'foo', 't'], /unknown family "foo"/],
      [
        ['add', 'chain', 'ip', 't', 'c', '{ type filter hook sideways priority 0; }'],
        /unknown hook "sideways"/,
      ],
      [['create', 'table', 'ip', 't'], /File exists/],
      [['monitor'], /not a command nettwin's model runs/],
    ] as const) {
      const r = nft(rs, argv);
      assert.equal(r.exitCode, 1, argv.join(' '));
      assert.match(r.stderr, /^Error: /);
      assert.match(r.stderr, why);
      assert.equal(serializeNftRuleset(rs), before);
    }
  });

  it('property: any words are refused with exit 1 or run; nothing else is thrown', () => {
    const word = fc.oneof(
      fc.constantFrom(
        'add',
        'table',
        'chain',
        'rule',
        'ip',
        'inet',
        't',
        'c',
        '{',
        '}',
        'accept',
        'counter',
        ';',
        '$(x)',
      ),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (argv) => {
        const r = runNft({ tables: [] }, argv);
        assert.ok(r.exitCode === 0 || r.exitCode === 1);
        assert.ok(r.stderr.length < 600);
      }),
      { numRuns: 500 },
    );
  });
});
