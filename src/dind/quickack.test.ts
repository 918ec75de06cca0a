/**
 * QUICKACK_ROUTES_SCRIPT against a stand-in `ip` that prints a host's routes and records
 * the changes asked of it: every route gets `quickack 1` once, IPv6 routes held once per
 * interface (fe80::/64, ff00::/8) and the IPv6 local table are left alone.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { QUICKACK_ROUTES_SCRIPT } from './quickack.ts';

const ROUTES: Record<string, string> = {
  '-4 main': '172.30.0.0/24 dev br6 proto kernel scope link src 172.30.0.1 linkdown\n',
  '-4 local': 'local 172.30.0.1 dev br6 proto kernel scope host src 172.30.0.1\n',
  '-6 main': [
    'fd00:1::/64 dev br6 proto kernel metric 256 linkdown pref medium',
    'fd70::/64 dev eth0 proto kernel metric 256 pref medium',
    'fd71::/64 dev eth1 proto kernel metric 256 quickack 1 pref medium',
    'fe80::/64 dev eth0 proto kernel metric 256 pref medium',
    'fe80::/64 dev br6 proto kernel metric 256 pref medium',
    'multicast ff00::/8 dev eth0 proto kernel metric 256 pref medium',
    'anycast fd00:1:: dev br6 proto kernel metric 0 pref medium',
    '',
  ].join('\n'),
};

async function runWithRoutes(failOn?: string): Promise<{ exitCode: number; changes: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'nettwin-quickack-'));
  const log = join(dir, 'changes');
  writeFileSync(log, '');
  for (const [key, text] of Object.entries(ROUTES)) writeFileSync(join(dir, key.replace(' ', '_')), text);
  // ip -4|-6 route show table T  →  the routes; ip [-6] route change …  →  logged.
  const fake = [
    '#!/bin/sh',
    'if [ "$1" = -4 ] || [ "$1" = -6 ] && [ "$2" = route ] && [ "$3" = show ]; then cat "$FAKE_DIR/$1_$5" 2>/dev/null; exit 0; fi',
    'echo "$*" >> "$FAKE_DIR/changes"',
    '[ -n "$FAIL_ON" ] && case "$*" in *"$FAIL_ON"*) exit 2 ;; esac',
    'exit 0',
  ].join('\n');
  writeFileSync(join(dir, 'ip'), fake, { mode: 0o755 });
  const r = await execa('sh', ['-c', QUICKACK_ROUTES_SCRIPT], {
    reject: false,
    env: { PATH: `${dir}:${process.env.PATH}`, FAKE_DIR: dir, FAIL_ON: failOn ?? '' },
  });
  const changes = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  rmSync(dir, { recursive: true, force: true });
  return { exitCode: r.exitCode ?? -1, changes };
}

test('IPv4 and IPv6 unicast routes get quickack 1; fe80, multicast, anycast and done ones are left alone', async () => {
  const { exitCode, changes } = await runWithRoutes();
  assert.equal(exitCode, 0);
  assert.deepEqual(changes, [
    'route change table main 172.30.0.0/24 dev br6 proto kernel scope link src 172.30.0.1 quickack 1',
    'route change table local local 172.30.0.1 dev br6 proto kernel scope host src 172.30.0.1 quickack 1',
    '-6 route change table main fd00:1::/64 dev br6 proto kernel metric 256 pref medium quickack 1',
    '-6 route change table main fd70::/64 dev eth0 proto kernel metric 256 pref medium quickack 1',
  ]);
});

test('an IPv6 route that cannot be changed fails the script, after the others', async () => {
  const { exitCode, changes } = await runWithRoutes('fd00:1::/64');
  assert.equal(exitCode, 1);
  assert.ok(
    changes.some((c) => c.includes('fd70::/64')),
    'the next route is still changed',
  );
});
