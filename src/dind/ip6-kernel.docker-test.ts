/**
 * Needs Docker (run: node --import tsx --test src/dind/ip6-kernel.docker-test.ts).
 * Issue #20's "Done when", the real-kernel half: for ip6tables rulesets in Docker's shape
 * and for an inet nft table, on a host with a bridge (fd30::1/64), two containers, eth0
 * (fd70::6/64) and an external client (fd70::9), `nettwin trace --save` (run on the
 * listings taken before the ping) must print exactly the counters the real kernel counts
 * for ping -6 in every direction: every ip6tables rule and policy, every native rule.
 *
 * Each direction is measured REPEATS times on the real kernel first, and the counters must
 * be identical run to run: IPv6's own chatter (see ip6-kernel-router.test-helper.ts) is
 * switched off at the source, so any difference is a flake in the setup, not in the twin.
 *
 * The host is a private namespace in a DinD host (28.5 image: nftables 1.1.7,
 * iptables 1.8.13 nft).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runTrace } from '../cli/trace.ts';
import { nativeTables } from '../netfilter/nft/native-tables.ts';
import { parseNftRuleset } from '../netfilter/nft/parse.ts';
import { serializeNftRuleset } from '../netfilter/nft/serialize.ts';
import { buildRouter6, c1, c2, client, LEGS, loadRules6, ping6 } from './ip6-kernel-router.test-helper.ts';
import { inRouter, type Leg } from './nft-kernel-router.test-helper.ts';
import { DindSession } from './session.ts';
import type { StartedDindHost } from './started-dind-host.ts';

const session = new DindSession();
let host: StartedDindHost;

/** Real runs per direction that must agree counter for counter (the flake check). */
const REPEATS = 3;

const fixtures = join(import.meta.dirname, '../../fixtures/ip6');
const fixture = (f: string) => () => readFileSync(join(fixtures, f), 'utf8');
const none = () => '';

interface Rules {
  /** A short file-name-safe id. */
  id: string;
  name: string;
  nft: () => string;
  ip6tables: () => string;
}

const RULESETS: Rules[] = [
  {
    id: 'docker',
    name: "Docker 28.5's ip6tables (ULA bridge1 with NAT66, c1 published on [::]:8080)",
    nft: none,
    ip6tables: fixture('docker-28.5-bridge1.ip6tables'),
  },
  {
    id: 'inet',
    name: 'an inet host table (policy drop, NAT66 masquerade)',
    nft: fixture('inet-host.nft'),
    ip6tables: none,
  },
  {
    id: 'both',
    name: "the inet host table beside Docker 28.5's ip6tables",
    nft: fixture('inet-host.nft'),
    ip6tables: fixture('docker-28.5-bridge1.ip6tables'),
  },
];

const DIRECTIONS: Array<{ name: string; from: Leg | 'host'; to: string }> = [
  { name: 'container → container', from: c1, to: c2.address },
  { name: 'container ← container', from: c2, to: c1.address },
  { name: 'container → external client (NAT66)', from: c1, to: client.address },
  { name: 'external client → container (direct)', from: client, to: c1.address },
  { name: 'external client → other container (direct)', from: client, to: c2.address },
  { name: 'external client → host', from: client, to: client.gateway },
  { name: 'host → container', from: 'host', to: c1.address },
  { name: 'container → host', from: c1, to: c1.gateway },
];

const withoutComments = (save: string) =>
  save
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');
/**
 * nft's native tables only: iptables-nft's ip6 tables are read through ip6tables-save. They
 * are known by name as well as by nft's mark: iptables-nft 1.8.13 left `table ip6 raw`
 * unmarked when `ip6tables -t raw -A` created it (filter and nat were marked).
 */
const nftPart = (listing: string, ip6tablesSave: string) =>
  serializeNftRuleset(
    nativeTables(parseNftRuleset(listing), {
      ip6tablesNftTables: [...ip6tablesSave.matchAll(/^\*(\w+)$/gm)].map((m) => m[1] ?? ''),
    }),
  );

interface Listing {
  ip6tables: string;
  nft: string;
}

/**
 * `nft list ruleset` with its stderr first: nft 1.1 may print its "managed by iptables-nft"
 * marks there, and only they tell iptables-nft's ip6 tables (read through ip6tables-save)
 * from native ones.
 */
async function nftListing(): Promise<string> {
  const result = await host.exec(inRouter(['nft', 'list', 'ruleset']));
  assert.equal(result.exitCode, 0, result.stderr);
  return result.stderr + result.stdout;
}

async function list(): Promise<Listing> {
  return {
    ip6tables: await host.run(inRouter(['ip6tables-save', '-c'])),
    nft: await nftListing(),
  };
}

/** One real measurement: fresh rules (counters from zero), the ping, the listings around it. */
async function measure(rules: Rules, from: Leg | 'host', to: string, count: number) {
  await loadRules6(host, rules.nft(), rules.ip6tables());
  const before = await list();
  const real = await ping6(host, from, to, count);
  const after = await list();
  return { before, real, after };
}

const realText = (l: Listing) => `${withoutComments(l.ip6tables)}\n${nftPart(l.nft, l.ip6tables)}`;

/**
 * NETTWIN_IP6_RECORD=DIR keeps each check's real listings (before and after the ping of the
 * first run) as DIR/<ruleset>-<direction>.{before,after}.{ip6tables,nft}: the ground truth a
 * model bug report quotes.
 */
function record(name: string, before: Listing, after: Listing): void {
  const dir = process.env.NETTWIN_IP6_RECORD;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  for (const [when, l] of [
    ['before', before],
    ['after', after],
  ] as const) {
    writeFileSync(join(dir, `${name}.${when}.ip6tables`), l.ip6tables);
    writeFileSync(join(dir, `${name}.${when}.nft`), l.nft);
  }
}

async function compare(rules: Rules, from: Leg | 'host', to: string, count = 3): Promise<void> {
  const runs = [];
  for (let i = 0; i < REPEATS; i++) runs.push(await measure(rules, from, to, count));
  const [first] = runs;
  assert.ok(first);
  record(
    `${rules.id}-${from === 'host' ? 'host' : from.ns}-to-${to.replaceAll(':', '_')}`,
    first.before,
    first.after,
  );
  // A ping that moved no counter would make the comparisons below prove nothing.
  assert.notEqual(realText(first.before), realText(first.after), 'the ping moved no counter');
  for (const [i, run] of runs.entries()) {
    assert.equal(run.real.answered, first.real.answered, `run ${i + 1}: answers differ from run 1`);
    assert.equal(
      realText(run.after),
      realText(first.after),
      `real counters of run ${i + 1} differ from run 1`,
    );
  }

  const files: Record<string, string> = {
    'router.ip6tables-save': first.before.ip6tables,
    'router.nft': first.before.nft,
  };
  const ruleset = [];
  if (rules.ip6tables() !== '') ruleset.push('router.ip6tables-save');
  if (rules.nft() !== '') ruleset.push('router.nft');
  const options = {
    ruleset,
    bridge: ['bridge1=fd30::1/64'],
    iface: ['eth0=fd70::6/64'],
    sysctl: [],
    listen: [],
    from: from === 'host' ? (to === client.address ? client.gateway : c1.gateway) : from.address,
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
  const twinIp6tables = at < 0 ? saved.stdout : saved.stdout.slice(0, at);
  const twinNft = at < 0 ? '' : saved.stdout.slice(at);

  assert.equal(
    first.real.answered,
    twin.delivered,
    `answers: real ${first.real.answered}, twin ${twin.delivered}\n${first.real.stdout}`,
  );
  if (rules.nft() !== '') {
    assert.equal(
      nftPart(twinNft, first.after.ip6tables),
      nftPart(first.after.nft, first.after.ip6tables),
      'native nft counters: twin (actual) vs real kernel (expected)',
    );
  }
  if (rules.ip6tables() !== '') {
    assert.equal(
      withoutComments(twinIp6tables),
      withoutComments(first.after.ip6tables),
      'ip6tables-nft counters: twin (actual) vs real kernel (expected)',
    );
  }
}

describe("trace --save predicts the real kernel's IPv6 counters (ip6tables and inet tables)", () => {
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
      for (const d of DIRECTIONS) it(d.name, () => compare(rules, d.from, d.to));
    });
  }
});
