import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RulesetParseError } from './errors.ts';
import { parseRuleset } from './parse.ts';
import { serializeRuleset } from './serialize.ts';
import { findChain } from './tables.ts';

const dump = (...lines: string[]) => `${lines.join('\n')}\n`;

function parseError(text: string, file = 'prod.txt'): RulesetParseError {
  try {
    parseRuleset(text, { file });
  } catch (e) {
    if (e instanceof RulesetParseError) return e;
    throw e;
  }
  assert.fail('expected a RulesetParseError');
}

describe('parseRuleset', () => {
  it('reads counters, policies, user chains and rule specs', () => {
    const rs = parseRuleset(
      dump(
        '*filter',
        ':INPUT DROP [3:180]',
        ':FORWARD ACCEPT [0:0]',
        ':DOCKER - [0:0]',
        '[7:420] -A INPUT -i lo -j ACCEPT',
        '-A FORWARD -o docker0 -j DOCKER',
        'COMMIT',
      ),
    );
    const input = findChain(rs, 'filter', 'INPUT');
    assert.equal(input?.policy, 'DROP');
    assert.deepEqual(input?.counters, { packets: 3, bytes: 180 });
    assert.deepEqual(input?.rules[0]?.counters, { packets: 7, bytes: 420 });
    assert.equal(input?.rules[0]?.line, 5);
    assert.equal(input?.rules[0]?.text, '-i lo -j ACCEPT');
    assert.deepEqual(input?.rules[0]?.spec.inInterface, { invert: false, value: 'lo' });
    const fwd = findChain(rs, 'filter', 'FORWARD');
    assert.deepEqual(fwd?.rules[0]?.counters, { packets: 0, bytes: 0 });
    assert.equal(findChain(rs, 'filter', 'DOCKER')?.builtin, false);
    // nft omits built-in chains that do not exist yet: OUTPUT was not declared
    assert.equal(findChain(rs, 'filter', 'OUTPUT'), undefined);
  });

  it('tolerates blank lines and keeps quoted arguments in the original text', () => {
    const text = dump(
      '*filter',
      '',
      ':INPUT ACCEPT [0:0]',
      '-A INPUT -m comment --comment "foo bar" -j LOG --log-prefix "x: "',
      '',
      'COMMIT',
    );
    const rs = parseRuleset(text);
    const rule = findChain(rs, 'filter', 'INPUT')?.rules[0];
    assert.equal(rule?.text, '-m comment --comment "foo bar" -j LOG --log-prefix "x: "');
    assert.deepEqual(rule?.spec.matches[0]?.options[0]?.args, ['foo bar']);
    assert.deepEqual(rule?.spec.target?.options[0]?.args, ['x: ']);
    assert.equal(serializeRuleset(rs), text.replace(/\n\n/g, '\n'));
  });

  it('prints the -c form and the plain form', () => {
    const rs = parseRuleset(
      dump('*nat', ':POSTROUTING ACCEPT [1:60]', '[1:60] -A POSTROUTING -j MASQUERADE', 'COMMIT'),
    );
    assert.equal(
      serializeRuleset(rs, { counters: true }),
      dump('*nat', ':POSTROUTING ACCEPT [1:60]', '[1:60] -A POSTROUTING -j MASQUERADE', 'COMMIT'),
    );
    assert.equal(
      serializeRuleset(rs),
      dump('*nat', ':POSTROUTING ACCEPT [1:60]', '-A POSTROUTING -j MASQUERADE', 'COMMIT'),
    );
  });
});

describe('parseRuleset errors', () => {
  it('names an unknown match with line and file', () => {
    const e = parseError(dump('*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -m foo -j ACCEPT', 'COMMIT'));
    assert.equal(e.line, 3);
    assert.equal(e.file, 'prod.txt');
    assert.equal(e.token, 'foo');
    assert.equal(e.column, 12);
    assert.equal(e.message, 'unknown match "foo" on line 3 of prod.txt: -A INPUT -m foo -j ACCEPT');
  });
  it('names an unknown target', () => {
    const e = parseError(dump('*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -j NOSUCH', 'COMMIT'));
    assert.equal(e.line, 3);
    assert.equal(e.token, 'NOSUCH');
    assert.match(e.message, /^unknown target "NOSUCH" on line 3 of prod.txt: -A INPUT -j NOSUCH/);
  });
  it('refuses a rule before its chain declaration', () => {
    const e = parseError(dump('*filter', '-A FOO -j ACCEPT', ':FOO - [0:0]', 'COMMIT'));
    assert.equal(e.line, 2);
    assert.match(e.message, /rule for chain FOO before its :FOO declaration/);
  });
  it('reports a missing COMMIT at the end and before the next table', () => {
    assert.match(
      parseError(dump('*nat', ':PREROUTING ACCEPT [0:0]')).message,
      /missing COMMIT for table nat/,
    );
    const e = parseError(dump('*nat', ':PREROUTING ACCEPT [0:0]', '*filter', 'COMMIT'));
    assert.equal(e.line, 3);
    assert.match(e.message, /missing COMMIT for table nat/);
  });
  it('reports bad counters', () => {
    const e = parseError(dump('*filter', ':INPUT ACCEPT [0:0]', '[1:x] -A INPUT -j ACCEPT', 'COMMIT'));
    assert.equal(e.token, '[1:x]');
    assert.match(e.message, /bad counters "\[1:x\]" on line 3/);
    assert.match(
      parseError(dump('*filter', ':INPUT ACCEPT [a:0]', 'COMMIT')).message,
      /bad counters "\[a:0\]" on line 2/,
    );
  });
  it('reports unknown tables, policies on user chains, stray lines and bad quoting', () => {
    assert.match(parseError(dump('*bogus', 'COMMIT')).message, /unknown table "bogus" on line 1/);
    assert.match(
      parseError(dump('*filter', ':FOO ACCEPT [0:0]', 'COMMIT')).message,
      /policy "ACCEPT" on user chain FOO/,
    );
    assert.match(parseError(dump('*filter', ':INPUT MAYBE [0:0]', 'COMMIT')).message, /bad policy "MAYBE"/);
    assert.match(parseError(dump('hello')).message, /unexpected "hello" on line 1/);
    assert.match(
      parseError(dump('*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -m comment --comment "open', 'COMMIT'))
        .message,
      /unterminated double quote on line 3/,
    );
    assert.match(parseError(dump('-A INPUT -j ACCEPT')).message, /rule outside of a table/);
    assert.match(parseError(dump('COMMIT')).message, /COMMIT without a \*table/);
  });
});
