/**
 * Needs Docker (run: node --import tsx --test src/snapshot/ipv6-snapshot.docker-test.ts).
 * `nettwin snapshot` of a real Docker 28.5 host with IPv6 (issue #20, point 4): the
 * collector reads ip6tables-save, the inet6 addresses, `ip -j -6 route` and the containers'
 * global IPv6 addresses as the host prints them, the file validates, and `trace
 * --snapshot` of each ping -6 predicts exactly the ip6tables counters the real kernel
 * counts for it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { warmIpv6Neighbours } from '../backends/dind-ipv6-neighbours.ts';
import { quietIpv6NetworkArg } from '../backends/dind-ipv6-quiet.ts';
import { runTrace } from '../cli/trace.ts';
import { OUTSIDE_IPV6 } from '../dind/outside-world-ipv6.ts';
import { DindSession } from '../dind/session.ts';
import type { StartedDindHost } from '../dind/started-dind-host.ts';
import { collectSnapshot, type Runner } from './collect.ts';
import { parseSnapshotJson, type Snapshot } from './schema.ts';

const session = new DindSession();
let host: StartedDindHost;

/** The collector's commands, run on the DinD host (read-only, as on a production host). */
const onHost: Runner = (argv) => host.exec(argv);

async function zeroAll(): Promise<void> {
  for (const [save, tool] of [
    ['iptables-save', 'iptables'],
    ['ip6tables-save', 'ip6tables'],
  ] as const) {
    const tables = (await host.run([save])).match(/^\*\w+/gm) ?? [];
    for (const t of tables) await host.run([tool, '-t', t.slice(1), '-Z']);
  }
}

/** Counters of an `ip6tables-save -c` text, by table and line (the line without its counter). */
function counters(save: string): Map<string, [number, number]> {
  let table = '';
  const out = new Map<string, [number, number]>();
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) table = line;
    const m = /\[(\d+):(\d+)\]/.exec(line);
    if (m && !line.startsWith('#'))
      out.set(`${table} ${line.replace(m[0], '[]')}`, [Number(m[1]), Number(m[2])]);
  }
  return out;
}

/** Lines whose counters moved from `before` to `after`, as `[packets:bytes] line`. */
function moved(after: string, before = ''): string[] {
  const start = counters(before);
  const out: string[] = [];
  for (const [key, [p, b]] of counters(after)) {
    const [p0, b0] = start.get(key) ?? [0, 0];
    if (p !== p0 || b !== b0) out.push(key.replace('[]', `[${p - p0}:${b - b0}]`));
  }
  return out.sort();
}

async function takeSnapshot(): Promise<{ snapshot: Snapshot; text: string }> {
  const warnings: string[] = [];
  const snapshot = await collectSnapshot(onHost, (w) => warnings.push(w));
  const text = `${JSON.stringify(snapshot, null, 2)}\n`;
  // What was written reads back, as a bug report's attachment would.
  assert.deepEqual(parseSnapshotJson(text, 'live.json'), JSON.parse(text));
  return { snapshot, text };
}

/** The real kernel's counters for `send`, and the twin's for the same flow through the snapshot. */
async function compare(text: string, from: string, to: string, send: (count: number) => Promise<string>) {
  const start = (parseSnapshotJson(text, 'live.json').ip6tables?.save ?? '') as string;
  // Warm neighbour caches right before (the trace assumes the host has talked to its
  // neighbours), then count only the step's own packets.
  await send(1);
  await zeroAll();
  const output = await send(3);
  const real = moved(await host.run(['ip6tables-save', '-c']));
  assert.ok(real.length > 0, 'the real kernel counted the flow');
  const out = runTrace(
    {
      snapshot: 'live.json',
      bridge: [],
      iface: [],
      sysctl: [],
      listen: [],
      from,
      to,
      count: '3',
      family: 'ipv6',
      save: true,
    },
    () => text,
  );
  assert.equal(out.exitCode, 0, out.stderr);
  // --save prints the iptables dump, then the ip6tables one: the IPv6 half starts at its second *raw.
  const v6 = out.stdout.slice(out.stdout.lastIndexOf('*raw'));
  // The snapshot's counters are the trace's starting values: only what the flow added counts.
  return { real, twin: moved(v6, start), output };
}

describe('a snapshot of a real IPv6 Docker 28.5 host', () => {
  let text = '';
  let snapshot: Snapshot;

  before(async () => {
    host = await session.acquire({ dockerVersion: '28.5', daemonOptions: [], ipv6: true });
    await host.run([
      'docker',
      'network',
      'create',
      '--ipv6',
      '--subnet',
      'fd31::/64',
      '-o',
      'com.docker.network.advertise_addr_nmsgs=0',
      'n6',
    ]);
    for (const name of ['ca', 'cb']) {
      await host.run([
        'docker',
        'run',
        '-d',
        '--name',
        name,
        '--network',
        quietIpv6NetworkArg('n6'),
        session.config.workloadImage,
        'sleep',
        '600',
      ]);
    }
    await sleep(1000);
    // Permanent neighbour entries among the containers, the gateway and the host, as the
    // features' hosts have: no neighbour probes land in a measured step (measured: a
    // stale entry's unicast NS/NA pair crosses FORWARD otherwise).
    const id = await host.dockerOrThrow(['network', 'inspect', '-f', '{{.Id}}', 'n6']);
    await warmIpv6Neighbours(host, { name: 'n6', bridge: `br-${id.slice(0, 12)}`, gateway6: 'fd31::1' }, [
      'ca',
      'cb',
    ]);
    // The client routes n6's subnet via the host (the LAN has no router), so its packets
    // to b reach the host's raw table.
    const route = await host.execOn('client', [
      'ip',
      '-6',
      'route',
      'replace',
      'fd31::/64',
      'via',
      OUTSIDE_IPV6.host,
    ]);
    assert.equal(route.exitCode, 0, route.stderr);
    ({ snapshot, text } = await takeSnapshot());
  });
  after(async () => {
    if (host) await session.release(host, { reusable: false });
    await session.dispose();
  });

  it('records ip6tables, IPv6 addresses and routes, the IPv6 sysctls and GlobalIPv6Address', () => {
    assert.ok(
      snapshot.ip6tables?.save?.includes('-A POSTROUTING -s fd31::/64 ! -o'),
      JSON.stringify(snapshot.ip6tables).slice(0, 300),
    );
    const eth0 = snapshot.interfaces.find((i) => i.name === 'eth0');
    assert.ok(
      eth0?.addresses.some((a) => a.address === OUTSIDE_IPV6.host && a.prefix === 64),
      JSON.stringify(eth0),
    );
    assert.ok(
      snapshot.routes6?.some((r) => r.destination === 'fd31::/64'),
      JSON.stringify(snapshot.routes6),
    );
    assert.equal(snapshot.sysctls['net.ipv6.conf.all.forwarding'], '1');
    const a = snapshot.containers.find((c) => c.name === 'ca');
    assert.equal(a?.endpoints[0]?.address6, 'fd31::2', JSON.stringify(a));
    assert.equal(a?.endpoints[0]?.prefix6, 64);
  });

  it('ca → cb (ping -6, same bridge): trace --snapshot predicts the real ip6tables counters', async () => {
    const { real, twin, output } = await compare(text, 'ca', 'cb', (n) =>
      host.dockerOrThrow(['exec', 'ca', 'ping', '-6', '-c', String(n), '-i', '0.2', '-W', '1', 'fd31::3']),
    );
    assert.match(output, /3 received/);
    assert.deepEqual(twin, real);
  });

  it('ca → the external client fd70::9 (NAT66 egress): the same counters', async () => {
    const { real, twin, output } = await compare(text, 'ca', OUTSIDE_IPV6.client, (n) =>
      host.dockerOrThrow([
        'exec',
        'ca',
        'ping',
        '-6',
        '-c',
        String(n),
        '-i',
        '0.2',
        '-W',
        '1',
        OUTSIDE_IPV6.client,
      ]),
    );
    assert.match(output, /3 received/);
    assert.deepEqual(twin, real);
  });

  it('the external client → cb directly (dropped in raw PREROUTING): the same counters', async () => {
    const { real, twin } = await compare(text, OUTSIDE_IPV6.client, 'cb', async (n) => {
      const r = await host.execOn('client', [
        'ping',
        '-6',
        '-c',
        String(n),
        '-i',
        '0.2',
        '-W',
        '1',
        'fd31::3',
      ]);
      return r.stdout;
    });
    assert.deepEqual(twin, real);
  });
});
