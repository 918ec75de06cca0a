/**
 * Netfilter twin speed: parsing a real dump, and traces per second of a 3-ping flow
 * through a Docker-20.10-shaped ruleset with 1, 100 and 1,000 bridge networks.
 * Goal: a 3-ping flow through 1,000 networks in under 0.2 ms (FLOW_GOAL_MS); the nft rows
 * (bench/nft.ts) follow in the same table.
 *
 * The flow is the worst realistic case: two containers on docker0, whose FORWARD
 * quartet Docker leaves at the end (newer networks are inserted above it), so every
 * packet would scan every network's rules, as the kernel does (the twin skips rules pinned
 * to other interfaces: src/netfilter/path/interface-index.ts).
 * Standalone: `npx tsx bench/netfilter.ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { iptablesOf } from '../src/netfilter/firewall-state.ts';
import type { HostState } from '../src/netfilter/host-types.ts';
import { runFlow } from '../src/netfilter/path/index.ts';
import { parseRuleset } from '../src/netfilter/ruleset/index.ts';
import type { BenchRow } from './main.ts';
import { benchNetfilterIpv6 } from './netfilter-ipv6.ts';
import { benchNft } from './nft.ts';
import { type BridgeNetwork, bridgeNetworks } from './nft-shapes.ts';
import { bridgeHost, FLOW_GOAL_MS, timeIt } from './timing.ts';

/** The rules Docker 20.10 writes for these networks (newest network first, docker0 last). */
export function dockerRuleset(nets: BridgeNetwork[]): string {
  const newestFirst = [...nets].reverse();
  const lines = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':DOCKER - [0:0]',
    ':DOCKER-ISOLATION-STAGE-1 - [0:0]',
    ':DOCKER-ISOLATION-STAGE-2 - [0:0]',
    ':DOCKER-USER - [0:0]',
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
  ];
  for (const n of newestFirst) {
    lines.push(
      `-A FORWARD -o ${n.bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `-A FORWARD -o ${n.bridge} -j DOCKER`,
      `-A FORWARD -i ${n.bridge} ! -o ${n.bridge} -j ACCEPT`,
      `-A FORWARD -i ${n.bridge} -o ${n.bridge} -j ACCEPT`,
    );
  }
  for (const n of newestFirst) {
    lines.push(`-A DOCKER-ISOLATION-STAGE-1 -i ${n.bridge} ! -o ${n.bridge} -j DOCKER-ISOLATION-STAGE-2`);
  }
  lines.push('-A DOCKER-ISOLATION-STAGE-1 -j RETURN');
  for (const n of newestFirst) lines.push(`-A DOCKER-ISOLATION-STAGE-2 -o ${n.bridge} -j DROP`);
  lines.push('-A DOCKER-ISOLATION-STAGE-2 -j RETURN', '-A DOCKER-USER -j RETURN', 'COMMIT');
  lines.push(
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':DOCKER - [0:0]',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
  );
  for (const n of newestFirst) lines.push(`-A POSTROUTING -s ${n.subnet} ! -o ${n.bridge} -j MASQUERADE`);
  for (const n of newestFirst) lines.push(`-A DOCKER -i ${n.bridge} -j RETURN`);
  lines.push('COMMIT');
  return `${lines.join('\n')}\n`;
}

export function dockerHost(count: number): HostState {
  const nets = bridgeNetworks(count);
  return {
    ...bridgeHost(nets),
    firewall: [{ framework: 'iptables-nft', family: 'ipv4', ruleset: parseRuleset(dockerRuleset(nets)) }],
  };
}

export async function benchNetfilter(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const seedPath = join(import.meta.dirname, '../fixtures/seeds/002-four-bridges.iptables-save');
  const seed = readFileSync(seedPath, 'utf8');
  const parseMs = timeIt(() => parseRuleset(seed, { file: seedPath }));
  rows.push({
    name: 'parse seed-002 dump',
    value: parseMs * 1000,
    unit: 'µs',
    note: `${seed.split('\n').length} lines`,
  });

  const perFlow = new Map<number, number>();
  for (const count of [1, 100, 1000]) {
    const host = dockerHost(count);
    const flow = { protocol: 'icmp' as const, from: '172.17.0.2', to: '172.17.0.3', count: 3 };
    const check = runFlow(host, flow);
    if (check.verdict !== 'delivered')
      throw new Error(`bench flow through ${count} networks: ${check.verdict}`);
    const ms = timeIt(() => runFlow(host, flow));
    perFlow.set(count, ms);
    const rules = iptablesOf(host.firewall).tables.reduce(
      (n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0),
      0,
    );
    rows.push({
      name: `3-ping trace, ${count} network${count === 1 ? '' : 's'}`,
      value: 1000 / ms,
      unit: 'traces/s',
      note: `${rules} rules, ${(ms * 1000).toFixed(0)} µs each`,
    });
    if (count === 1000) {
      const quiet = timeIt(() => runFlow(host, flow, { trace: false }));
      rows.push({
        name: 'iptables 3-ping flow, 1000 bridges',
        value: ms,
        unit: 'ms',
        note: `goal < ${FLOW_GOAL_MS} ms: ${ms < FLOW_GOAL_MS ? 'met' : 'NOT met'}; ${quiet.toFixed(3)} ms without path recording`,
      });
    }
  }
  rows.push({
    name: 'growth 1000 vs 1 networks',
    value: (perFlow.get(1000) ?? 0) / (perFlow.get(1) ?? 1),
    unit: 'x',
    note: 'time per flow (rules indexed by interface, first-match order kept)',
  });
  rows.push(...benchNetfilterIpv6());
  rows.push(...benchNft());
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await benchNetfilter()) {
    console.log(
      `${row.name.padEnd(32)} ${row.value.toFixed(row.value >= 100 ? 0 : 3).padStart(10)} ${row.unit}  ${row.note ?? ''}`,
    );
  }
}
