/**
 * scripts/runner-firewall.sh in a network namespace of its own: what dockerd writes
 * into the runner's tables (chains, FORWARD DROP, new nat and raw tables, ip6tables,
 * a legacy table) goes, and what the runner had stays. Needs root and `ip netns`;
 * skipped elsewhere. The namespace is removed afterwards.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';

const ROOT = path.resolve(import.meta.dirname, '..');
const HELPER = path.join(ROOT, 'scripts/runner-firewall.sh');
const NS = `nettwin-fw-test-${process.pid}`;

let skip: string | false = false;
let dir = '';

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'nettwin-fw-'));
  if (process.getuid?.() !== 0) skip = 'needs root';
  else if ((await execa('ip', ['netns', 'add', NS], { reject: false })).exitCode !== 0)
    skip = 'cannot add a network namespace';
});

after(async () => {
  if (!skip) await execa('ip', ['netns', 'del', NS], { reject: false });
  await rm(dir, { recursive: true, force: true });
});

/** bash with the helper sourced and the strict options engine.sh runs it under, in the namespace. */
function inNamespace(script: string) {
  return execa(
    'ip',
    ['netns', 'exec', NS, 'bash', '-c', `set -euo pipefail\nsource "$1"\n${script}`, 'bash', HELPER],
    { reject: false, env: { FW: path.join(dir, 'fw') } },
  );
}

/** The namespace's whole firewall as compared: every variant, no comments or counters. */
const everything = `for v in iptables-nft ip6tables-nft iptables-legacy ip6tables-legacy; do
  echo "== $v"; "$v-save" | sed -E '/^#/d; s/ \\[[0-9]+:[0-9]+\\]$//'
done`;

// What dockerd 20.10 and 28.x write into the runner (seen on this machine), plus an ip6 and a legacy table.
const DOCKER_LIKE = `
iptables -P FORWARD DROP
iptables -N DOCKER
iptables -N DOCKER-USER
iptables -A FORWARD -j DOCKER-USER
iptables -A FORWARD -o docker0 -j DOCKER
iptables -t nat -N DOCKER
iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
iptables -t nat -A MINE -j RETURN
iptables -t raw -A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP
ip6tables -P FORWARD DROP
ip6tables -t nat -N DOCKER
iptables-legacy -t mangle -A POSTROUTING -j ACCEPT
`;

test('a Docker-like engine leaves the firewall as found once restored; the runner’s own rules stay', async (t) => {
  if (skip) return t.skip(skip);
  // The runner's own rules before the engine: a chain in filter and one in nat.
  const mine = await inNamespace(`
iptables -N MINE
iptables -A INPUT -s 10.9.9.9/32 -j MINE
iptables -A MINE -j DROP
iptables -t nat -N MINE
iptables -t nat -A OUTPUT -d 10.9.9.8/32 -j MINE
${everything}`);
  assert.equal(mine.exitCode, 0, mine.stderr);
  const saved = await inNamespace('firewall_save "$FW"');
  assert.equal(saved.exitCode, 0, saved.stderr);

  const docker = await inNamespace(DOCKER_LIKE);
  assert.equal(docker.exitCode, 0, docker.stderr);
  const changed = await inNamespace('firewall_check "$FW"');
  assert.equal(changed.exitCode, 1, changed.stdout);
  for (const table of ['iptables-nft table filter', 'iptables-nft table nat', 'iptables-nft table raw']) {
    assert.match(changed.stdout, new RegExp(table));
  }
  assert.match(changed.stdout, /ip6tables-nft table filter/);
  assert.match(changed.stdout, /iptables-legacy table mangle/);
  assert.match(changed.stdout, /\+ :FORWARD DROP/);

  const restored = await inNamespace('firewall_restore "$FW"');
  assert.equal(restored.exitCode, 0, restored.stderr);
  const check = await inNamespace('firewall_check "$FW"');
  assert.equal(check.exitCode, 0, check.stdout);
  const now = await inNamespace(everything);
  // x_tables cannot unregister a table: the legacy mangle table stays, empty, ACCEPT.
  const withoutEmptyLegacyMangle = now.stdout.replace(
    /== iptables-legacy\n\*mangle\n(:[A-Z]+ ACCEPT\n)+COMMIT\n/,
    '== iptables-legacy\n',
  );
  assert.equal(withoutEmptyLegacyMangle, mine.stdout);
});

test('firewall_restore touches no table that did not change', async (t) => {
  if (skip) return t.skip(skip);
  const saved = await inNamespace('iptables -t mangle -A OUTPUT -j ACCEPT\nfirewall_save "$FW"');
  assert.equal(saved.exitCode, 0, saved.stderr);
  // Counters move on their own; a table that differs by its counters only is the same table.
  const traffic = await inNamespace(
    'iptables -t mangle -Z\nip link set lo up\n{ exec 3<>/dev/tcp/127.0.0.1/9; } 2>/dev/null || true\niptables-save -c -t mangle',
  );
  assert.match(
    traffic.stdout,
    /^\[[1-9]\d*:\d+\] -A OUTPUT -j ACCEPT$/m,
    'the connection attempt counts on mangle OUTPUT',
  );
  assert.equal(traffic.exitCode, 0, traffic.stderr);
  const restored = await inNamespace('firewall_restore "$FW"');
  assert.equal(restored.stdout, '');
});

test('engine.sh check: 3 when nothing was saved, 2 while the engine it started runs', async () => {
  const state = path.join(dir, 'state');
  const env = { NETTWIN_ENGINE_STATE: state };
  const nothing = await execa('bash', [path.join(ROOT, 'scripts/engine.sh'), 'check'], {
    env,
    reject: false,
  });
  assert.equal(nothing.exitCode, 3, nothing.stdout);
  assert.match(nothing.stdout, /nothing saved/);
  await writeFile(path.join(state, 'started-pid'), '1\n');
  const running = await execa('bash', [path.join(ROOT, 'scripts/engine.sh'), 'check'], {
    env,
    reject: false,
  });
  assert.equal(running.exitCode, 2);
  assert.match(running.stderr, /still runs; stop it first/);
});
