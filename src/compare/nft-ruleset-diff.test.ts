import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseNftRuleset } from '../netfilter/nft/parse.ts';
import { compareNftRulesets, describeNftDifference } from './nft-ruleset-diff.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'nft', 'firewalld');
const listing = (file: string) => parseNftRuleset(readFileSync(join(FIXTURES, file), 'utf8'));

const HOST = `table inet filter {
\tchain forward {
\t\ttype filter hook forward priority filter - 10; policy drop;
\t\tct state established,related counter packets 5 bytes 420 accept
\t\tiifname "web_net" counter packets 1 bytes 84 accept
\t}
}
`;

test('counters, handles and iptables-nft tables are left out; the same listing compares equal', () => {
  const managed =
    '# Warning: table ip filter is managed by iptables-nft, do not touch!\n' +
    'table ip filter {\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy drop;\n\t}\n}\n';
  const real = parseNftRuleset(managed + readFileSync(join(FIXTURES, '28.5/after-dockerd.nft'), 'utf8'));
  assert.ok(real.tables.some((t) => t.managedBy === 'iptables-nft'));
  assert.equal(compareNftRulesets(real, listing('28.5/after-dockerd.nft')).equal, true);
  const zeroed = parseNftRuleset(HOST.replace(/packets \d+ bytes \d+/g, 'packets 0 bytes 0'));
  assert.equal(compareNftRulesets(parseNftRuleset(HOST), zeroed).equal, true);
  assert.equal(compareNftRulesets(undefined, { tables: [] }).equal, true);
});

test('a bridge firewalld bound on the real host and not in the model: missing lines, named by chain', () => {
  const cmp = compareNftRulesets(listing('26.1/after-network-create.nft'), listing('26.1/after-dockerd.nft'));
  assert.equal(cmp.equal, false);
  const first = cmp.differences[0];
  assert.equal(first?.kind, 'missing-line');
  assert.equal(first?.table, 'inet firewalld');
  assert.equal(first?.object, 'chain mangle_PREROUTING_POLICIES');
  assert.equal(
    describeNftDifference(first as NonNullable<typeof first>),
    'inet firewalld chain mangle_PREROUTING_POLICIES: real line #4 not predicted: iifname "web_net" jump mangle_PRE_policy_allow-host-ipv6',
  );
  assert.match(
    cmp.unified,
    /^--- real\n\+\+\+ model\n@@ inet firewalld chain mangle_PREROUTING_POLICIES @@\n/,
  );
  assert.match(cmp.unified, /\n-iifname "web_net" jump mangle_PRE_docker\n/);
});

test('a policy, a moved rule, an extra table and a missing chain are each reported', () => {
  const real = parseNftRuleset(HOST);
  const swapped = HOST.replace(/(\t\tct state[^\n]*\n)(\t\tiifname[^\n]*\n)/, '$2$1').replace(
    'policy drop',
    'policy accept',
  );
  const model = parseNftRuleset(
    `${swapped}table ip docker-bridges {\n\tchain filter-FORWARD {\n\t\ttype filter hook forward priority filter; policy accept;\n\t}\n}\n`,
  );
  const kinds = compareNftRulesets(real, model).differences.map((d) => d.kind);
  assert.deepEqual(kinds.sort(), ['extra-table', 'missing-line', 'extra-line', 'moved-line'].sort());
  const gone = parseNftRuleset(HOST.replace(/\tchain forward \{[\s\S]*?\t\}\n/, ''));
  assert.deepEqual(
    compareNftRulesets(real, gone).differences.map((d) => [d.kind, d.object]),
    [['missing-object', 'chain forward']],
  );
});

test('property: a table compared with itself is equal; with one rule dropped, exactly that line is missing', () => {
  const rule = fc.constantFrom(
    'iifname "a" accept',
    'oifname "b" drop',
    'ip saddr 10.0.0.0/8 counter packets 3 bytes 9 accept',
    'tcp dport 22 accept',
    'ct state invalid drop',
  );
  fc.assert(
    fc.property(fc.uniqueArray(rule, { minLength: 1, maxLength: 5 }), fc.nat(), (rules, pick) => {
      const text = (rs: string[]) =>
        `table inet t {\n\tchain c {\n${rs.map((r) => `\t\t${r}\n`).join('')}\t}\n}\n`;
      const real = parseNftRuleset(text(rules));
      assert.equal(compareNftRulesets(real, parseNftRuleset(text(rules))).equal, true);
      const dropped = rules[pick % rules.length] as string;
      const cmp = compareNftRulesets(real, parseNftRuleset(text(rules.filter((r) => r !== dropped))));
      assert.equal(cmp.differences.length, 1);
      assert.equal(cmp.differences[0]?.kind, 'missing-line');
      assert.equal(cmp.differences[0]?.real, dropped.replace(/ counter packets \d+ bytes \d+/, ''));
    }),
    { numRuns: 100 },
  );
});

test("a verdict map's elements compare as a set; a missing element is named", () => {
  const vmap = (elements: string) =>
    parseNftRuleset(
      `table ip docker-bridges {\n\tmap filter-forward-in-jumps {\n\t\ttype ifname : verdict\n\t\telements = { ${elements} }\n\t}\n}\n`,
    );
  const a = '"docker0" : jump in__docker0';
  const b = '"web_net" : jump in__web_net';
  assert.equal(
    compareNftRulesets(vmap(`${a},\n\t\t\t     ${b}`), vmap(`${b},\n\t\t\t     ${a}`)).equal,
    true,
  );
  const cmp = compareNftRulesets(vmap(`${a},\n\t\t\t     ${b}`), vmap(a));
  assert.deepEqual(
    cmp.differences.map((d) => [d.kind, d.object, d.real]),
    [['missing-line', 'map filter-forward-in-jumps', 'element "web_net" : jump in__web_net']],
  );
});
