/** Property tests: parse∘serialize is the identity; nothing but RulesetParseError escapes. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BUILTIN_CHAINS, type Chain, type Ruleset, type TableName } from '../types.ts';
import { RulesetParseError } from './errors.ts';
import { parseRuleset } from './parse.ts';
import { formatRuleSpec, parseRuleSpec } from './rule-spec.ts';
import { serializeRuleset } from './serialize.ts';
import { byteOrder, emptyRuleset } from './tables.ts';

const octet = fc.integer({ min: 0, max: 255 });
const cidr = fc
  .tuple(octet, octet, octet, octet, fc.integer({ min: 1, max: 32 }))
  .map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);
const iface = fc.constantFrom('docker0', 'eth0', 'test_web', 'br-cbd0f56841ce', 'veth+', 'lo');
const maybeNot = fc.boolean().map((b) => (b ? ['!'] : []));
const port = fc.integer({ min: 1, max: 65535 }).map(String);
// A lone "!" or a leading "-" is read as an option by iptables itself, quoted or not.
const text = fc.string({ minLength: 1, maxLength: 12 }).filter((t) => t.trim() !== '!' && !t.startsWith('-'));

const header = fc.record({
  s: fc.option(fc.tuple(maybeNot, cidr)),
  d: fc.option(fc.tuple(maybeNot, cidr)),
  i: fc.option(fc.tuple(maybeNot, iface)),
  o: fc.option(fc.tuple(maybeNot, iface)),
  p: fc.option(fc.constantFrom('tcp', 'udp', 'icmp')),
});

const extraMatch = fc.oneof(
  fc
    .subarray(['NEW', 'RELATED', 'ESTABLISHED', 'INVALID', 'DNAT'], { minLength: 1 })
    .chain((s) => maybeNot.map((n) => ['-m', 'conntrack', ...n, '--ctstate', s.join(',')])),
  fc.constantFrom(
    ['-m', 'addrtype', '--dst-type', 'LOCAL'],
    ['-m', 'addrtype', '--src-type', 'LOCAL', '--limit-iface-in'],
  ),
  text.map((t) => ['-m', 'comment', '--comment', t]),
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom('src', 'dst', 'src,dst'))
    .filter(([n]) => n.trim() !== '!' && !n.startsWith('-'))
    .map(([n, f]) => ['-m', 'set', '--match-set', n.replace(/\s/g, 'x'), f]),
  fc.constantFrom(['-m', 'mark', '--mark', '0x1'], ['-m', 'pkttype', '--pkt-type', 'broadcast']),
);

const targetArgs = fc.oneof(
  fc.constantFrom(
    ['-j', 'ACCEPT'],
    ['-j', 'DROP'],
    ['-j', 'RETURN'],
    ['-j', 'MASQUERADE'],
    ['-j', 'REJECT'],
    ['-j', 'DOCKER'],
    ['-g', 'DOCKER-USER'],
  ),
  fc.tuple(cidr, port).map(([c, p]) => ['-j', 'DNAT', '--to-destination', `${c.split('/')[0]}:${p}`]),
  port.map((p) => ['-j', 'SNAT', '--to-source', `:${p}`]),
  text.map((t) => ['-j', 'LOG', '--log-prefix', t]),
  fc.constant([] as string[]),
);

const ruleArgv = fc
  .tuple(header, fc.array(extraMatch, { maxLength: 3 }), fc.option(port), targetArgs)
  .map(([h, ms, dport, t]) => {
    const argv: string[] = [];
    if (h.s) argv.push(...h.s[0], '-s', h.s[1]);
    if (h.d) argv.push(...h.d[0], '-d', h.d[1]);
    if (h.i) argv.push(...h.i[0], '-i', h.i[1]);
    if (h.o) argv.push(...h.o[0], '-o', h.o[1]);
    if (h.p) argv.push('-p', h.p);
    // Right after -p, as Docker writes it: later, `--dport` could be a prefix of another
    // loaded match's option (multiport --dports), which real iptables rejects too.
    if (dport && (h.p === 'tcp' || h.p === 'udp')) argv.push('--dport', dport);
    for (const m of ms) argv.push(...m);
    argv.push(...t);
    return argv;
  });

const counters = fc.record({ packets: fc.nat(), bytes: fc.nat() });

const tableNames = fc.subarray(['raw', 'mangle', 'nat', 'filter', 'security'] as TableName[], {
  minLength: 1,
});

const ruleset = fc
  .tuple(
    tableNames,
    fc.array(fc.tuple(ruleArgv, counters, fc.nat()), { maxLength: 25 }),
    fc.array(counters, { minLength: 5, maxLength: 5 }),
  )
  .map(([tables, rules, policyCounters]) => {
    const rs: Ruleset = emptyRuleset(tables);
    for (const t of rs.tables) {
      for (const [k, c] of t.chains.entries()) c.counters = policyCounters[k] ?? { packets: 0, bytes: 0 };
      // user chains every generated jump can reach, in iptables-save order
      const user = ['DOCKER', 'DOCKER-USER', 'DOCKER_OUTPUT'].sort(byteOrder);
      for (const name of user)
        t.chains.push({ name, builtin: false, counters: { packets: 0, bytes: 0 }, rules: [] });
      if (t.name === 'raw') (t.chains[0] as Chain).policy = 'DROP';
    }
    for (const [argv, c, pick] of rules) {
      const table = rs.tables[pick % rs.tables.length];
      if (!table) continue;
      const chain = table.chains[pick % table.chains.length] as Chain;
      const spec = parseRuleSpec(argv);
      chain.rules.push({ spec, text: formatRuleSpec(spec), counters: c });
    }
    return rs;
  });

const withoutLines = (rs: Ruleset): Ruleset =>
  JSON.parse(JSON.stringify(rs, (k, v) => (k === 'line' ? undefined : v))) as Ruleset;

describe('parse ∘ serialize', () => {
  it('is the identity with counters (-c form)', () => {
    fc.assert(
      fc.property(ruleset, (rs) => {
        const text = serializeRuleset(rs, { counters: true });
        const back = parseRuleset(text);
        assert.deepEqual(withoutLines(back), withoutLines(rs));
        assert.equal(serializeRuleset(back, { counters: true }), text);
      }),
      { numRuns: 200 },
    );
  });
  it('is the identity without rule counters (chain counters stay)', () => {
    fc.assert(
      fc.property(ruleset, (rs) => {
        const text = serializeRuleset(rs);
        const back = parseRuleset(text);
        for (const t of rs.tables)
          for (const c of t.chains) for (const r of c.rules) r.counters = { packets: 0, bytes: 0 };
        assert.deepEqual(withoutLines(back), withoutLines(rs));
        assert.equal(serializeRuleset(back), text);
      }),
      { numRuns: 200 },
    );
  });
  it('keeps built-in chains in hook order', () => {
    fc.assert(
      fc.property(ruleset, (rs) => {
        for (const t of parseRuleset(serializeRuleset(rs)).tables) {
          const builtins = t.chains.filter((c) => c.builtin).map((c) => c.name);
          assert.deepEqual(builtins, [...BUILTIN_CHAINS[t.name]]);
        }
      }),
      { numRuns: 50 },
    );
  });
});

const realDump = readFileSync(
  join(import.meta.dirname, '../../../fixtures/groundtruth/e3-publish-and-proxy.txt'),
  'utf8',
).split('### RULESET AT END\n')[1] as string;

function onlyParseErrors(text: string): void {
  try {
    parseRuleset(text, { file: 'fuzz.txt' });
  } catch (e) {
    assert.ok(e instanceof RulesetParseError, `threw ${String(e)}`);
    const lineCount = text.split('\n').length;
    assert.ok(e.line >= 1 && e.line <= lineCount, `line ${e.line} outside 1..${lineCount}`);
    assert.equal(e.file, 'fuzz.txt');
    assert.ok(e.message.includes(`line ${e.line} of fuzz.txt`), e.message);
  }
}

const mutation = fc.oneof(
  fc.tuple(fc.constant('delete' as const), fc.nat(), fc.integer({ min: 1, max: 6 })),
  fc.tuple(
    fc.constant('insert' as const),
    fc.nat(),
    fc.constantFrom(
      '[',
      ']',
      ':',
      '!',
      '"',
      "'",
      '-',
      ' ',
      '\n',
      '*',
      '#',
      'x',
      '0',
      'COMMIT\n',
      '-m ',
      '-j ',
      '--',
    ),
  ),
  fc.tuple(fc.constant('swap' as const), fc.nat(), fc.nat()),
);

function mutate(text: string, ms: Array<[string, number, number | string]>): string {
  let t = text;
  for (const [kind, a, b] of ms) {
    if (kind === 'delete') {
      const at = a % Math.max(1, t.length);
      t = t.slice(0, at) + t.slice(at + Number(b));
    } else if (kind === 'insert') {
      const at = a % (t.length + 1);
      t = t.slice(0, at) + String(b) + t.slice(at);
    } else {
      const lines = t.split('\n');
      const i = a % lines.length;
      const j = Number(b) % lines.length;
      [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
      t = lines.join('\n');
    }
  }
  return t;
}

describe('robustness', () => {
  it('random text throws nothing but RulesetParseError with a line inside the input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), onlyParseErrors), { numRuns: 500 });
    const lines = fc.array(
      fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom(
          '*filter',
          '*nat',
          'COMMIT',
          ':INPUT ACCEPT [0:0]',
          ':FOO - [0:0]',
          '-A INPUT -j FOO',
          '-A FOO -p tcp --dport',
          '# c',
        ),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(lines, (ls) => onlyParseErrors(ls.join('\n'))),
      { numRuns: 500 },
    );
  });
  it('random mutations of a real dump throw nothing but RulesetParseError', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) =>
        onlyParseErrors(mutate(realDump, ms)),
      ),
      { numRuns: 1000 },
    );
  });
});
