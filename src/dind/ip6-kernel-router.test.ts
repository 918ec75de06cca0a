import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { dumpAsCommands } from './ip6-kernel-router.test-helper.ts';

const fixture = readFileSync(
  join(import.meta.dirname, '../../fixtures/ip6/docker-28.5-bridge1.ip6tables'),
  'utf8',
);

describe('dumpAsCommands', () => {
  it("writes Docker 28.5's ip6tables fixture as Docker would: -N, -P for non-ACCEPT policies, -A in order", () => {
    const commands = dumpAsCommands(fixture);
    assert.deepEqual(commands[0], [
      '-t',
      'raw',
      '-A',
      'PREROUTING',
      '-d',
      'fd30::3/128',
      '!',
      '-i',
      'bridge1',
      '-j',
      'DROP',
    ]);
    assert.deepEqual(commands[2], ['-t', 'filter', '-P', 'FORWARD', 'DROP']);
    assert.deepEqual(commands[3], ['-t', 'filter', '-N', 'DOCKER']);
    assert.deepEqual(commands.at(-1), [
      '-t',
      'nat',
      '-A',
      'DOCKER',
      '!',
      '-s',
      'fe80::/10',
      '!',
      '-i',
      'bridge1',
      '-p',
      'tcp',
      '-m',
      'tcp',
      '--dport',
      '8080',
      '-j',
      'DNAT',
      '--to-destination',
      '[fd30::2]:80',
    ]);
    // No command for an ACCEPT built-in: iptables-nft leaves it out of the kernel until used.
    assert.ok(!commands.some((c) => c.includes('INPUT') || (c.includes('OUTPUT') && c.includes('-P'))));
  });

  it('keeps every rule line, in order, with its table (property)', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9:/._-]{1,12}$/);
    const rule = fc.array(word, { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 8 }), (rules) => {
        const dump = [
          '*filter',
          ':FORWARD ACCEPT [0:0]',
          ...rules.map((r) => `-A FORWARD ${r.join(' ')}`),
          'COMMIT',
        ].join('\n');
        assert.deepEqual(
          dumpAsCommands(dump),
          rules.map((r) => ['-t', 'filter', '-A', 'FORWARD', ...r]),
        );
      }),
    );
  });

  it('refuses quoted words rather than splitting them wrongly', () => {
    assert.throws(() => dumpAsCommands('*filter\n-A INPUT -m comment --comment "a b" -j ACCEPT\n'), /quoted/);
  });
});
