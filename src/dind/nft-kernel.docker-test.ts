/**
 * Needs Docker (run: node --import tsx --test src/dind/nft-kernel.docker-test.ts).
 * Native nft base chains on a real kernel, compared counter for counter with the twin.
 * Inside a DinD host (28.5 image: nftables 1.1.7), a private "router" namespace holds
 * bridges and veths to namespaces that play containers and an outside client, and the
 * rules under test (nft-kernel-router.test-helper.ts); nothing touches the DinD host's
 * own firewall. After each flow the
 * router's `nft list ruleset` and `iptables-save -c` are read and compared with the
 * twin's counters for the same rules and the same flow: every counter, not only the
 * ones a test expects.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FlowSpec, HostState, Neighbour } from '../netfilter/host-types.ts';
import { parseNftRuleset } from '../netfilter/nft/parse.ts';
import type { NftRuleset } from '../netfilter/nft/types.ts';
import { runFlow } from '../netfilter/path/index.ts';
import { parseRuleset } from '../netfilter/ruleset/index.ts';
import { buildRouter, inRouter, type Leg, writeFile } from './nft-kernel-router.test-helper.ts';
import { DindSession } from './session.ts';
import type { StartedDindHost } from './started-dind-host.ts';

const session = new DindSession();
let host: StartedDindHost;

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

const run = (argv: string[]) => host.run(argv);

function twinHost(nft: NftRuleset, iptablesSave: string): HostState {
  const neighbours: Neighbour[] = LEGS.map((l) => ({ name: l.ns, address: l.address, dev: l.dev }));
  return {
    firewall: [
      {
        framework: 'iptables-nft',
        family: 'ipv4',
        ruleset: parseRuleset(iptablesSave, { file: 'router iptables-save' }),
      },
      { framework: 'nftables', ruleset: nft },
    ],
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
  await writeFile(host, '/tmp/nt-rules.nft', nftText);
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
    await buildRouter(host, LEGS);
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
