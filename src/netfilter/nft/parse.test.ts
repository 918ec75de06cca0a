/** `nft list ruleset` text: real listings and Docker 29's documented tables, read and printed back. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NftParseError, parseNftRuleset } from './parse.ts';
import { serializeNftRuleset } from './serialize.ts';
import type { NftChain, NftRuleset } from './types.ts';

const root = join(import.meta.dirname, '../../../fixtures/nft');
const read = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.nft'))
    .map((f) => ({ name: `${dir}/${f}`, text: readFileSync(join(root, dir, f), 'utf8') }));

const docker29 = read('docker-29.7');
const real = read('real');

function chain(rs: NftRuleset, table: string, name: string): NftChain {
  const t = rs.tables.find((x) => `${x.family} ${x.name}` === table);
  const c = t?.chains.find((x) => x.name === name);
  assert.ok(c, `no chain ${name} in table ${table}`);
  return c;
}

describe('nft listings print back byte for byte', () => {
  it('finds the fixtures', () => {
    assert.equal(docker29.length, 8);
    assert.ok(real.length >= 3);
  });
  for (const f of real) {
    it(`${f.name} (with counters)`, () => {
      assert.equal(serializeNftRuleset(parseNftRuleset(f.text, { file: f.name })), f.text);
    });
  }
  for (const f of docker29) {
    it(`${f.name} (stateless, as Docker's CI recorded it)`, () => {
      assert.equal(
        serializeNftRuleset(parseNftRuleset(f.text, { file: f.name }), { stateless: true }),
        f.text,
      );
    });
  }
});

describe("Docker 29's docker-bridges table", () => {
  for (const f of docker29) {
    it(`${f.name}: every statement is one the model reads`, () => {
      const rs = parseNftRuleset(f.text);
      for (const c of rs.tables[0]?.chains ?? []) {
        for (const r of c.rules) {
          const unsupported = r.statements.filter((s) => s.kind === 'unsupported');
          assert.deepEqual(unsupported, [], `${c.name}: ${r.text}`);
        }
      }
    });
  }
  const rs = parseNftRuleset(readFileSync(join(root, 'docker-29.7/usernet-portmap.nft'), 'utf8'));
  it('knows the base chains, their hooks and priorities', () => {
    const bases = rs.tables[0]?.chains
      .filter((c) => c.base)
      .map((c) => [c.name, c.base?.hook, c.base?.priority]);
    assert.deepEqual(bases, [
      ['filter-FORWARD', 'forward', 0],
      ['nat-OUTPUT', 'output', -100],
      ['nat-POSTROUTING', 'postrouting', 100],
      ['nat-PREROUTING', 'prerouting', -100],
      ['raw-PREROUTING', 'prerouting', -300],
    ]);
  });
  it('reads verdict maps keyed by interface name', () => {
    const map = rs.tables[0]?.sets.find((s) => s.name === 'filter-forward-in-jumps');
    assert.equal(map?.kind, 'map');
    assert.equal(map?.keyType, 'ifname');
    assert.equal(map?.valueType, 'verdict');
    assert.deepEqual(map?.elements, [
      { key: '"docker0"', value: 'jump filter-forward-in__docker0' },
      { key: '"bridge1"', value: 'jump filter-forward-in__bridge1' },
    ]);
    const [first] = chain(rs, 'ip docker-bridges', 'filter-FORWARD').rules;
    assert.equal(first?.statements[0]?.kind, 'vmap');
  });
  it('reads a DNAT rule into its matches, counter, NAT and comment', () => {
    const [dnat] = chain(rs, 'ip docker-bridges', 'nat-prerouting-and-output').rules;
    const kinds = dnat?.statements.map((s) => (s.kind === 'match' ? `${s.selector} ${s.op}` : s.kind));
    assert.deepEqual(kinds, ['iifname !=', 'tcp dport implicit', 'counter', 'nat', 'comment']);
    const nat = dnat?.statements[3];
    assert.ok(nat?.kind === 'nat' && nat.type === 'dnat' && nat.to === '192.0.2.2:80');
  });
});

describe('a distribution-style host', () => {
  const text = readFileSync(join(root, 'real/host-inet-filter.nft'), 'utf8');
  const rs = parseNftRuleset(text);
  it('computes priority expressions', () => {
    assert.equal(chain(rs, 'inet filter', 'forward').base?.priority, -10);
    assert.equal(chain(rs, 'inet filter', 'forward').base?.priorityText, 'filter - 10');
    assert.equal(chain(rs, 'inet filter', 'input').base?.policy, 'drop');
  });
  it('keeps what it does not model as unsupported text, and still reads the verdict after it', () => {
    const [mss, jump] = chain(rs, 'inet filter', 'user_forward').rules;
    assert.ok(mss?.statements.some((s) => s.kind === 'unsupported'));
    const last = jump?.statements.at(-1);
    assert.ok(last?.kind === 'verdict' && last.verdict.kind === 'goto' && last.verdict.chain === 'final');
  });
  it('reads reject, fib and anonymous sets', () => {
    const rules = chain(rs, 'inet filter', 'forward').rules;
    const reject = rules[3]?.statements.at(-1);
    assert.ok(reject?.kind === 'verdict' && reject.verdict.kind === 'reject');
    assert.equal(reject.verdict.with, 'icmpx admin-prohibited');
    const fib = rules[4]?.statements[0];
    assert.ok(fib?.kind === 'fib');
    assert.deepEqual(fib.words, ['saddr', '.', 'iif', 'oif']);
    const set = chain(rs, 'inet filter', 'input').rules[3]?.statements[0];
    assert.ok(set?.kind === 'match' && set.value.kind === 'set');
    assert.deepEqual(set.value.elements, ['icmp', 'ipv6-icmp']);
  });
});

describe("iptables-nft's tables", () => {
  const stdout = readFileSync(join(root, 'real/iptables-nft-tables.nft'), 'utf8');
  const stderr = readFileSync(join(root, 'real/iptables-nft-tables.stderr'), 'utf8');
  it('are marked whether the warnings come first (nft 1.1) or last (2>&1 with nft 1.0)', () => {
    for (const text of [stdout + stderr, stderr + stdout, stdout.replace(/\}\n$/, `}${stderr}`)]) {
      const rs = parseNftRuleset(text);
      assert.deepEqual(
        rs.tables.map((t) => [t.name, t.managedBy]),
        [
          ['filter', 'iptables-nft'],
          ['nat', 'iptables-nft'],
        ],
      );
    }
  });
  it('are not marked without the warnings', () => {
    assert.deepEqual(
      parseNftRuleset(stdout).tables.map((t) => t.managedBy),
      [undefined, undefined],
    );
  });
});

describe('refusals name the line', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n', 'an iptables-save dump', /nft list ruleset.* on line 1 /],
    ['table ip t {\n\tchain c {\n', 'an unclosed chain', /chain "c" is not closed/],
    ['table foo t {\n}\n', 'an unknown family', /unknown table family "foo" on line 1/],
    [
      'table ip t {\n\tchain c {\n\t\ttype filter hook sideways priority 0; policy accept;\n\t}\n}\n',
      'a bad hook',
      /unknown hook "sideways" on line 3/,
    ],
    [
      'table ip t {\n\tchain c {\n\t\ttype filter hook input priority sometimes; policy accept;\n\t}\n}\n',
      'a bad priority',
      /priority "sometimes".* on line 3/,
    ],
    [
      'table ip t {\n\tchain c {\n\t\tcounter packets x bytes 1\n\t}\n}\n',
      'a bad counter',
      /two whole numbers on line 3/,
    ],
    ['table ip t {\n}\ntable ip t {\n}\n', 'a table twice', /appears twice on line 3/],
  ];
  for (const [text, what, expected] of cases) {
    it(`refuses ${what}`, () => {
      assert.throws(
        () => parseNftRuleset(text, { file: 'f.nft' }),
        (e: unknown) => {
          assert.ok(e instanceof NftParseError, String(e));
          assert.match(e.message, expected);
          assert.match(e.message, /f\.nft/);
          return true;
        },
      );
    });
  }
});
