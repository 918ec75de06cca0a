/**
 * Needs Docker (run: node --import tsx --test src/dind/nft-kernel.docker-test.ts).
 * Native nft base chains on a real kernel, compared counter for counter with the twin.
 * Inside a DinD host (28.5 image: nftables 1.1.7), a private "router" namespace holds
 * bridges and veths to namespaces that play containers and an outside client, and the
 * rules under test; nothing touches the DinD host's own firewall. After each flow the
 * router's `nft list ruleset` and `iptables-save -c` are read and compared with the
 * twin's counters for the same rules and the same flow: every counter, not only the
 * ones a test expects.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FlowSpec, HostInterface, HostState, Neighbour } from '../netfilter/host-types.ts';
import { parseNftRuleset } from '../netfilter/nft/parse.ts';
import type { NftRuleset } from '../netfilter/nft/types.ts';
import { runFlow } from '../netfilter/path/index.ts';
import { parseRuleset } from '../netfilter/ruleset/index.ts';
import { DindSession } from './session.ts';
import type { StartedDindHost } from './started-dind-host.ts';

const session = new DindSession();
let host: StartedDindHost;

/** One side of the router: a namespace behind a bridge (or a plain veth for eth0). */
interface Leg {
  ns: string;
  address: string;
  /** The router's interface toward it and its address/prefix. */
  dev: string;
  gateway: string;
  prefix: number;
  kind: HostInterface['kind'];
}

const LEGS: Leg[] = [
  {
    ns: 'nt-other',
    address: '172.17.0.2',
    dev: 'docker0',
    gateway: '172.17.0.1',
    prefix: 16,
    kind: 'bridge',
  },
  { ns: 'nt-c1', address: '192.0.2.2', dev: 'bridge1', gateway: '192.0.2.1', prefix: 24, kind: 'bridge' },
  {
    ns: 'nt-client',
    address: '192.168.70.9',
    dev: 'eth0',
    gateway: '192.168.70.6',
    prefix: 24,
    kind: 'ether',
  },
];

const ROUTER = 'nt-router';
const inRouter = (argv: string[]) => ['ip', 'netns', 'exec', ROUTER, ...argv];

async function run(argv: string[]): Promise<string> {
  return host.run(argv);
}

/** Writes our own fixture text to a file in the host, as data (an argument, never shell text). */
async function writeFile(path: string, text: string): Promise<void> {
  await run(['sh', '-c', 'printf %s "$1" > "$2"', 'sh', text, path]);
}

async function buildRouter(): Promise<void> {
  await run(['ip', 'netns', 'add', ROUTER]);
  for (const ns of [ROUTER, ...LEGS.map((l) => l.ns)]) {
    if (ns !== ROUTER) await run(['ip', 'netns', 'add', ns]);
    // IPv4 only: no IPv6 neighbour discovery or router solicitation in an inet table's counters.
    await run(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1']);
    await run(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1']);
    await run(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
  }
  await run(inRouter(['sysctl', '-qw', 'net.ipv4.ip_forward=1']));
  for (const [i, leg] of LEGS.entries()) {
    const outer = `ntv${i}`;
    await run([
      'ip',
      'link',
      'add',
      outer,
      'netns',
      ROUTER,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      leg.ns,
    ]);
    if (leg.kind === 'bridge') {
      await run(inRouter(['ip', 'link', 'add', leg.dev, 'type', 'bridge']));
      await run(inRouter(['ip', 'link', 'set', outer, 'master', leg.dev]));
      await run(inRouter(['ip', 'link', 'set', outer, 'up']));
    } else {
      await run(inRouter(['ip', 'link', 'set', outer, 'name', leg.dev]));
    }
    await run(inRouter(['ip', 'addr', 'add', `${leg.gateway}/${leg.prefix}`, 'dev', leg.dev]));
    await run(inRouter(['ip', 'link', 'set', leg.dev, 'up']));
    await run([
      'ip',
      'netns',
      'exec',
      leg.ns,
      'ip',
      'addr',
      'add',
      `${leg.address}/${leg.prefix}`,
      'dev',
      'eth0',
    ]);
    await run(['ip', 'netns', 'exec', leg.ns, 'ip', 'link', 'set', 'eth0', 'up']);
    await run(['ip', 'netns', 'exec', leg.ns, 'ip', 'route', 'add', 'default', 'via', leg.gateway]);
  }
  // Warm the neighbour caches, so a measured ping is only its ICMP packets.
  for (const leg of LEGS) await run(inRouter(['ping', '-c', '1', '-W', '1', leg.address]));
}

function twinHost(nft: NftRuleset, iptablesSave: string): HostState {
  const neighbours: Neighbour[] = LEGS.map((l) => ({ name: l.ns, address: l.address, dev: l.dev }));
  return {
    ruleset: parseRuleset(iptablesSave, { file: 'router iptables-save' }),
    nftRuleset: nft,
    interfaces: [
      { name: 'lo', kind: 'loopback', addresses: [{ address: '127.0.0.1', prefix: 8 }] },
      ...LEGS.map((l) => ({
        name: l.dev,
        kind: l.kind,
        addresses: [{ address: l.gateway, prefix: l.prefix }],
      })),
    ],
    routes: [],
    sysctls: { 'net.ipv4.ip_forward': '1' },
    listeners: [],
    neighbours,
  };
}

/** Non-zero native counters of a listing, as "table chain#rule p:b". */
function nativeCounters(rs: NftRuleset): string[] {
  const out: string[] = [];
  for (const t of rs.tables) {
    if (t.managedBy) continue;
    for (const c of t.chains) {
      for (const [i, r] of c.rules.entries()) {
        for (const s of r.statements) {
          if (s.kind === 'counter' && s.counter && s.counter.packets > 0n) {
            out.push(`${t.name} ${c.name}#${i + 1} ${s.counter.packets}:${s.counter.bytes}`);
          }
        }
      }
    }
  }
  return out.sort();
}

/** Loads rules in the router, runs `ping` there and in the twin, and compares every counter. */
async function compare(nftText: string, iptablesRules: string[][], from: Leg, to: Leg, count: number) {
  await run(inRouter(['nft', 'flush', 'ruleset']));
  await writeFile('/tmp/nt-rules.nft', nftText);
  await run(inRouter(['nft', '-f', '/tmp/nt-rules.nft']));
  for (const rule of iptablesRules) await run(inRouter(['iptables', ...rule]));
  await run(inRouter(['iptables', '-Z']));
  const before = parseNftRuleset(await run(inRouter(['nft', 'list', 'ruleset'])));
  const iptablesBefore = await run(inRouter(['iptables-save']));
  const ping = await host.exec([
    'ip',
    'netns',
    'exec',
    from.ns,
    'ping',
    '-c',
    String(count),
    '-i',
    '0.2',
    '-W',
    '1',
    to.address,
  ]);
  const real = parseNftRuleset(await run(inRouter(['nft', 'list', 'ruleset'])));
  const realIptables = parseRuleset(await run(inRouter(['iptables-save', '-c'])), { file: 'router' });
  const twin = runFlow(twinHost(before, iptablesBefore), {
    protocol: 'icmp',
    from: from.address,
    to: to.address,
    count,
  } as FlowSpec);
  const answered = Number(/(\d+) received/.exec(ping.stdout)?.[1] ?? '0');
  assert.equal(answered, twin.delivered, `answers: real ${answered}, twin ${twin.delivered}\n${ping.stdout}`);
  const twinNative = (twin.nftCounters ?? []).map(
    (c) => `${c.table} ${c.chain}#${c.rule} ${c.packets}:${c.bytes}`,
  );
  assert.deepEqual(
    nativeCounters(real),
    twinNative.sort(),
    'native nft counters: real (actual) vs twin (expected)',
  );
  const realPolicies = realIptables.tables.flatMap((t) =>
    t.chains
      .filter((c) => c.counters.packets > 0)
      .map((c) => `${t.name} ${c.name}#0 ${c.counters.packets}:${c.counters.bytes}`),
  );
  const twinPolicies = twin.counters
    .filter((c) => c.rule === 0)
    .map((c) => `${c.table} ${c.chain}#0 ${c.packets}:${c.bytes}`);
  assert.deepEqual(realPolicies.sort(), twinPolicies.sort());
  return twin;
}

const leg = (ns: string) => LEGS.find((l) => l.ns === ns) as Leg;

describe('native nft chains on a real kernel, counter for counter with the twin', () => {
  before(async () => {
    host = await session.acquire({ dockerVersion: '28.5', daemonOptions: [] });
    await buildRouter();
  });
  after(async () => {
    if (host) await session.release(host, { reusable: false });
    await session.dispose();
  });

  it("a chain at filter - 10 counts each ping iptables' FORWARD DROP then drops; one at filter + 10 counts none", async () => {
    const text = `table inet watch {
\tchain early {
\t\ttype filter hook forward priority filter - 10; policy accept;
\t\tct state new counter
\t}
\tchain late {
\t\ttype filter hook forward priority filter + 10; policy accept;
\t\tcounter
\t}
}
`;
    const twin = await compare(text, [['-P', 'FORWARD', 'DROP']], leg('nt-other'), leg('nt-client'), 3);
    assert.equal(twin.delivered, 0);
  });

  it("Docker 29's docker-bridges table: direct access across bridges is dropped in raw-PREROUTING", async () => {
    const fixture = join(import.meta.dirname, '../../fixtures/nft/docker-29.7/usernet-portmap.nft');
    // nft 1.1.7 reads `priority dstnat` at the output hook as Docker 29 writes it.
    const text = readFileSync(fixture, 'utf8');
    await compare(text, [], leg('nt-other'), leg('nt-c1'), 3);
  });

  it("Docker 29's docker-bridges table: a container reaches the outside world, masqueraded", async () => {
    const fixture = join(import.meta.dirname, '../../fixtures/nft/docker-29.7/usernet-portmap.nft');
    const twin = await compare(readFileSync(fixture, 'utf8'), [], leg('nt-c1'), leg('nt-client'), 2);
    assert.equal(twin.delivered, 2);
    assert.equal(twin.seenSource, '192.168.70.6');
  });
});
