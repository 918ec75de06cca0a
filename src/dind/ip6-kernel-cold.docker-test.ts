/**
 * Needs Docker (run: node --import tsx --test src/dind/ip6-kernel-cold.docker-test.ts).
 * `trace --cold-neighbours` against a real kernel: on ip6-kernel.docker-test.ts's host
 * (bridge1 fd30::1/64 with c1 fd30::2 and c2 fd30::3, eth0 fd70::6/64 with the client
 * fd70::9), every neighbour cache is emptied before each ping -6, so the ping pays for
 * neighbour discovery; the NS/NA cross the hooks and `trace --save --cold-neighbours`
 * must print exactly the counters the kernel counts, in every direction.
 *
 * Two rulesets: one with a counting rule per ND kind (multicast NS, unicast NS, NA, each
 * also by ctstate UNTRACKED) in every chain of raw, mangle and filter, which shows where
 * ND goes; and Docker 28.5's ip6tables (FORWARD policy DROP), where the policies count it.
 * Each direction is measured REPEATS times and must agree run to run (no tolerance).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTrace } from '../cli/trace.ts';
import {
  buildRouter6,
  c1,
  c2,
  client,
  coldNeighbours,
  LEGS,
  loadRules6,
  ping6,
  restoreRules6,
} from './ip6-kernel-router.test-helper.ts';
import { inRouter, type Leg } from './nft-kernel-router.test-helper.ts';
import { DindSession } from './session.ts';
import type { StartedDindHost } from './started-dind-host.ts';

const session = new DindSession();
let host: StartedDindHost;

const REPEATS = 2;

const CHAINS: Record<string, string[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};

/** A counting rule per ND kind in every chain (no target: they count and fall through). */
function countingDump(): string {
  const lines: string[] = [];
  for (const [table, chains] of Object.entries(CHAINS)) {
    lines.push(`*${table}`, ...chains.map((c) => `:${c} ACCEPT [0:0]`));
    for (const c of chains) {
      lines.push(
        `-A ${c} -d ff02::/16 -p ipv6-icmp -m icmp6 --icmpv6-type 135`,
        `-A ${c} ! -d ff02::/16 -p ipv6-icmp -m icmp6 --icmpv6-type 135`,
        `-A ${c} -p ipv6-icmp -m icmp6 --icmpv6-type 136`,
      );
      if (table !== 'raw') {
        lines.push(`-A ${c} -p ipv6-icmp -m icmp6 --icmpv6-type 135 -m conntrack --ctstate UNTRACKED`);
        lines.push(`-A ${c} -p ipv6-icmp -m icmp6 --icmpv6-type 136 -m conntrack --ctstate UNTRACKED`);
      }
    }
    lines.push('COMMIT');
  }
  return `${lines.join('\n')}\n`;
}

const RULESETS = [
  { name: 'counting rules for NS/NA in every chain', dump: countingDump, restore: true },
  {
    name: "Docker 28.5's ip6tables (FORWARD policy DROP)",
    dump: () =>
      readFileSync(join(import.meta.dirname, '../../fixtures/ip6/docker-28.5-bridge1.ip6tables'), 'utf8'),
    restore: false,
  },
];

const DIRECTIONS: Array<{ name: string; from: Leg | 'host'; to: string }> = [
  { name: 'container → container (same bridge)', from: c1, to: c2.address },
  { name: 'container → host', from: c1, to: c1.gateway },
  { name: 'host → container', from: 'host', to: c1.address },
  { name: 'container → external client (NAT66)', from: c1, to: client.address },
  { name: 'external client → container (routed)', from: client, to: c1.address },
  { name: 'external client → host', from: client, to: client.gateway },
];

const withoutComments = (save: string) =>
  save
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');

async function measure(dump: string, restore: boolean, from: Leg | 'host', to: string) {
  if (restore) await restoreRules6(host, dump);
  else await loadRules6(host, '', dump);
  await coldNeighbours(host, LEGS);
  const before = await host.run(inRouter(['ip6tables-save', '-c']));
  const real = await ping6(host, from, to, 3);
  const after = await host.run(inRouter(['ip6tables-save', '-c']));
  return { before, after, real };
}

async function compare(dump: string, restore: boolean, from: Leg | 'host', to: string): Promise<void> {
  const runs = [];
  for (let i = 0; i < REPEATS; i++) runs.push(await measure(dump, restore, from, to));
  const [first] = runs;
  assert.ok(first);
  for (const [i, run] of runs.entries()) {
    assert.equal(run.real.answered, first.real.answered, `run ${i + 1}: answers differ from run 1`);
    assert.equal(
      withoutComments(run.after),
      withoutComments(first.after),
      `real counters of run ${i + 1} differ from run 1`,
    );
  }
  // NETTWIN_IP6_RECORD=DIR keeps the real listings after the first run (the ground truth).
  const dir = process.env.NETTWIN_IP6_RECORD;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    const name = `cold-${restore ? 'counting' : 'docker'}-${from === 'host' ? 'host' : from.ns}-to-${to.replaceAll(':', '_')}`;
    writeFileSync(join(dir, `${name}.after.ip6tables`), first.after);
  }
  const fromAddress = from === 'host' ? (to === client.address ? client.gateway : c1.gateway) : from.address;
  const options = {
    ruleset: ['router.ip6tables-save'],
    bridge: ['bridge1=fd30::1/64'],
    iface: ['eth0=fd70::6/64'],
    sysctl: [],
    listen: [],
    from: fromAddress,
    to,
    count: '3',
    // The bridge's other port takes the flooded solicitations: the trace must know it.
    neighbour: [c1.address, c2.address].filter((a) => a !== fromAddress && a !== to),
    coldNeighbours: true,
  };
  const read = () => first.before;
  const json = runTrace({ ...options, json: true }, read);
  assert.equal(json.exitCode, 0, json.stderr);
  const twin = JSON.parse(json.stdout) as { delivered: number };
  assert.equal(
    first.real.answered,
    twin.delivered,
    `answers: real ${first.real.answered}, twin ${twin.delivered}`,
  );
  const saved = runTrace({ ...options, save: true }, read);
  assert.equal(saved.exitCode, 0, saved.stderr);
  assert.equal(
    withoutComments(saved.stdout),
    withoutComments(first.after),
    'ip6tables counters with cold caches: twin (actual) vs real kernel (expected)',
  );
}

describe('trace --cold-neighbours predicts the NS/NA a real kernel counts (ping -6, empty caches)', () => {
  before(async () => {
    host = await session.acquire({ dockerVersion: '28.5', daemonOptions: [] });
    await buildRouter6(host, LEGS);
  });
  after(async () => {
    if (host) await session.release(host, { reusable: false });
    await session.dispose();
  });

  for (const rules of RULESETS) {
    describe(rules.name, () => {
      for (const d of DIRECTIONS) it(d.name, () => compare(rules.dump(), rules.restore, d.from, d.to));
    });
  }
});
