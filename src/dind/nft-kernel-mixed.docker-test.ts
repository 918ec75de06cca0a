/**
 * Needs Docker (run: node --import tsx --test src/dind/nft-kernel-mixed.docker-test.ts).
 * Issue #19's "Done when": rulesets that mix native nft tables with iptables-nft, on a
 * host with a bridge, two containers and an external client. For pings in every
 * direction, `nettwin trace --save` (run on the listings taken before the ping) must
 * print exactly the counters the real kernel counts: every native rule's counter, every
 * iptables rule and policy, compared as text.
 *
 * The host is a private namespace in a DinD host (28.5 image: nftables 1.1.7,
 * iptables 1.8.13 nft), see nft-kernel-router.test-helper.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTrace } from '../cli/trace.ts';
import { nativeTables } from '../netfilter/nft/native-tables.ts';
import { parseNftRuleset } from '../netfilter/nft/parse.ts';
import { serializeNftRuleset } from '../netfilter/nft/serialize.ts';
import { parseRuleset, serializeRuleset } from '../netfilter/ruleset/index.ts';
import {
  buildRouter,
  inRouter,
  type Leg,
  loadRules,
  ping,
  warmNeighbours,
} from './nft-kernel-router.test-helper.ts';
import { DindSession } from './session.ts';
import type { StartedDindHost } from './started-dind-host.ts';

const session = new DindSession();
let host: StartedDindHost;

const bridge = (ns: string, address: string): Leg => ({
  ns,
  address,
  dev: 'bridge1',
  gateway: '192.0.2.1',
  prefix: 24,
  kind: 'bridge',
});
const c1 = bridge('nt-c1', '192.0.2.2');
const c2 = bridge('nt-c2', '192.0.2.3');
const client: Leg = {
  ns: 'nt-client',
  address: '192.168.70.9',
  dev: 'eth0',
  gateway: '192.168.70.6',
  prefix: 24,
  kind: 'ether',
};
const other: Leg = {
  ns: 'nt-other',
  address: '172.17.0.2',
  dev: 'docker0',
  gateway: '172.17.0.1',
  prefix: 16,
  kind: 'bridge',
};
const LEGS = [c1, c2, client, other];

const fixtures = join(import.meta.dirname, '../../fixtures/nft');
const fixture = (f: string) => readFileSync(join(fixtures, f), 'utf8');

/** 4,999 addresses nobody here uses, and c2: its packets are dropped before conntrack. */
function deniedSet(): string {
  const denied = Array.from({ length: 4999 }, (_, i) => `198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`);
  denied.push(c2.address);
  return `table inet deny {
\tset denied {
\t\ttype ipv4_addr
\t\telements = { ${denied.join(', ')} }
\t}

\tchain prerouting {
\t\ttype filter hook prerouting priority raw; policy accept;
\t\tip saddr @denied counter drop
\t\tcounter
\t}
}
`;
}

/** Docker (iptables) and a host firewall's usual rules beside the native tables. */
const DOCKER_LIKE: string[][] = [
  ['-A', 'FORWARD', '-o', 'bridge1', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'],
  ['-A', 'FORWARD', '-i', 'bridge1', '-j', 'ACCEPT'],
  ['-t', 'nat', '-A', 'POSTROUTING', '-s', '192.0.2.0/24', '!', '-o', 'bridge1', '-j', 'MASQUERADE'],
];
const FORWARD_DROP: string[][] = [
  ['-P', 'FORWARD', 'DROP'],
  ['-A', 'FORWARD', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'],
  ['-A', 'FORWARD', '-i', 'bridge1', '-o', 'eth0', '-j', 'ACCEPT'],
  ['-t', 'nat', '-A', 'POSTROUTING', '-s', '192.0.2.0/24', '!', '-o', 'bridge1', '-j', 'MASQUERADE'],
];

interface Ruleset {
  name: string;
  nft: () => string;
  iptables: string[][];
}

const RULESETS: Ruleset[] = [
  {
    name: 'a forward policy-drop host table with its own masquerade',
    nft: () => fixture('mixed/host-forward-drop.nft'),
    iptables: DOCKER_LIKE,
  },
  {
    name: "Docker 29's ip docker-bridges (verdict maps, per-bridge chains, c1 published)",
    nft: () => fixture('docker-29.7/usernet-portmap.nft'),
    iptables: FORWARD_DROP,
  },
  { name: 'a set of 5,000 denied addresses in prerouting', nft: deniedSet, iptables: DOCKER_LIKE },
  {
    name: "chains at filter - 10 and filter + 10 around iptables' filter",
    nft: () => fixture('mixed/around-filter.nft'),
    iptables: FORWARD_DROP,
  },
  {
    name: 'all four together',
    nft: () =>
      fixture('mixed/host-forward-drop.nft') +
      fixture('docker-29.7/usernet-portmap.nft') +
      deniedSet() +
      fixture('mixed/around-filter.nft'),
    iptables: FORWARD_DROP,
  },
];

const DIRECTIONS: Array<{ name: string; from: Leg | 'host'; to: string }> = [
  { name: 'container → container', from: c1, to: c2.address },
  { name: 'container ← container', from: c2, to: c1.address },
  { name: 'container → external client', from: c1, to: client.address },
  { name: 'external client → container (direct)', from: client, to: c1.address },
  { name: 'external client → container on docker0 (direct)', from: client, to: other.address },
  { name: 'host → container', from: 'host', to: c1.address },
];

/** The rules as text a person can diff: nft's native tables; iptables without its dated comments. */
function nftPart(listing: string, iptablesNftTables: string[]): string {
  return serializeNftRuleset(nativeTables(parseNftRuleset(listing), { iptablesNftTables }));
}
const withoutComments = (save: string) =>
  save
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');

async function compare(rules: Ruleset, from: Leg | 'host', to: string, count = 3): Promise<void> {
  await loadRules(host, rules.nft(), rules.iptables);
  const nftBefore = await host.run(inRouter(['nft', 'list', 'ruleset']));
  const iptablesBefore = await host.run(inRouter(['iptables-save', '-c']));
  const real = await ping(host, from, to, count);
  const nftAfter = await host.run(inRouter(['nft', 'list', 'ruleset']));
  const iptablesAfter = await host.run(inRouter(['iptables-save', '-c']));

  const files: Record<string, string> = { 'router.iptables-save': iptablesBefore, 'router.nft': nftBefore };
  const options = {
    ruleset: ['router.iptables-save', 'router.nft'],
    bridge: ['bridge1=192.0.2.1/24', 'docker0=172.17.0.1/16'],
    iface: ['eth0=192.168.70.6/24'],
    sysctl: [],
    listen: [],
    from: from === 'host' ? '192.0.2.1' : from.address,
    to,
    count: String(count),
  };
  const read = (p: string) => files[p] ?? '';
  const json = runTrace({ ...options, json: true }, read);
  assert.equal(json.exitCode, 0, json.stderr);
  const twin = JSON.parse(json.stdout) as { delivered: number };
  const saved = runTrace({ ...options, save: true }, read);
  assert.equal(saved.exitCode, 0, saved.stderr);
  const at = saved.stdout.search(/^(table |# Warning: table )/m);
  const twinIptables = saved.stdout.slice(0, at);
  const twinNft = saved.stdout.slice(at);

  // A ping that moved no counter would make the comparisons below prove nothing.
  assert.notEqual(
    withoutComments(iptablesBefore) + nftBefore,
    withoutComments(iptablesAfter) + nftAfter,
    'the ping moved no counter',
  );
  assert.equal(
    real.answered,
    twin.delivered,
    `answers: real ${real.answered}, twin ${twin.delivered}\n${real.stdout}`,
  );
  const iptablesTables = parseRuleset(iptablesAfter).tables.map((t) => t.name);
  assert.equal(
    nftPart(twinNft, iptablesTables),
    nftPart(nftAfter, iptablesTables),
    'native nft counters: twin (actual) vs real kernel (expected)',
  );
  assert.equal(
    withoutComments(twinIptables),
    withoutComments(serializeRuleset(parseRuleset(iptablesAfter), { counters: true })),
    'iptables-nft counters: twin (actual) vs real kernel (expected)',
  );
}

describe("trace --save predicts the real kernel's counters on mixed nft + iptables-nft hosts", () => {
  before(async () => {
    host = await session.acquire({ dockerVersion: '28.5', daemonOptions: [] });
    await buildRouter(host, LEGS);
  });
  after(async () => {
    if (host) await session.release(host, { reusable: false });
    await session.dispose();
  });

  for (const rules of RULESETS) {
    describe(rules.name, () => {
      before(async () => {
        // Neighbour entries may have gone stale during the previous ruleset's pings.
        await host.run(inRouter(['nft', 'flush', 'ruleset']));
        await warmNeighbours(host, LEGS);
      });
      for (const d of DIRECTIONS) it(d.name, () => compare(rules, d.from, d.to));
    });
  }
});
