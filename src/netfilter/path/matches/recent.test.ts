import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { match, matchEnv, opt, packet } from '../test-support.ts';
import { recentMatch } from './recent.ts';

const none = { matches: [] };

describe('recent match (ufw limit rules)', () => {
  const env = matchEnv({});
  const syn = packet({ protocol: 'tcp', dport: 22 });
  it('--set records and matches; --update with a hit count never reaches it in the twin', () => {
    assert.equal(
      recentMatch.compile(match('recent', opt('set', []), opt('name', ['DEFAULT'])), none)(syn, env),
      true,
    );
    const update = match(
      'recent',
      opt('update', []),
      opt('seconds', ['30']),
      opt('hitcount', ['6']),
      opt('rsource', []),
    );
    assert.equal(recentMatch.compile(update, none)(syn, env), false);
    assert.equal(
      recentMatch.compile(match('recent', opt('update', [], true), opt('hitcount', ['6'])), none)(syn, env),
      true,
    );
  });
  it('refuses what depends on a source’s history, and unknown options', () => {
    assert.throws(() => recentMatch.compile(match('recent', opt('rcheck', [])), none), /not modelled/);
    assert.throws(() => recentMatch.compile(match('recent', opt('remove', [])), none), /not modelled/);
    assert.throws(() => recentMatch.compile(match('recent', opt('seconds', ['30'])), none), /needs one of/);
    assert.throws(
      () => recentMatch.compile(match('recent', opt('set', []), opt('bogus', ['1'])), none),
      /unsupported option/,
    );
  });
});
