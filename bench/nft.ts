/**
 * nftables in the twin: parsing a firewalld host's `nft list ruleset`, and a 3-ping flow
 * between two containers on docker0 through Docker 29's `table ip docker-bridges` with
 * 1 and 1,000 bridge networks (verdict maps keyed by interface), and through a host table
 * that checks every packet against a set of 5,000 denied addresses. Goal: under 0.2 ms
 * per 3-ping flow at 1,000 bridges, and a cost that does not grow with the maps and sets
 * (looked up by hash or interval, as the kernel does: src/netfilter/nft/set-lookup.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostState } from '../src/netfilter/host-types.ts';
import { parseNftRuleset } from '../src/netfilter/nft/parse.ts';
import { runFlow } from '../src/netfilter/path/index.ts';
import type { BenchRow } from './main.ts';
import { bridgeNetworks, deniedAddresses, deniedSetTable, docker29Table } from './nft-shapes.ts';
import { bridgeHost, FLOW_GOAL_MS, timeIt } from './timing.ts';

const FIREWALLD =
  process.env.NFTSPEED_FW ?? join(import.meta.dirname, '../fixtures/nft/real/firewalld-28.5-docker.nft');

function nftHost(bridges: number, extra = ''): HostState {
  const nets = bridgeNetworks(bridges);
  return {
    ...bridgeHost(nets),
    firewall: [
      { framework: 'iptables-nft', family: 'ipv4', ruleset: { tables: [] } },
      {
        framework: 'nftables',
        ruleset: parseNftRuleset(docker29Table(nets) + extra, { file: 'bench docker-bridges' }),
      },
    ],
  };
}

const FLOW = { protocol: 'icmp' as const, from: '172.17.0.2', to: '172.17.0.3', count: 3 };

function flowMs(host: HostState): { ms: number; quiet: number } {
  const check = runFlow(host, FLOW);
  if (check.verdict !== 'delivered') throw new Error(`bench nft flow: ${check.verdict}`);
  return {
    ms: timeIt(() => runFlow(host, FLOW)),
    quiet: timeIt(() => runFlow(host, FLOW, { trace: false })),
  };
}

export function benchNft(): BenchRow[] {
  const rows: BenchRow[] = [];
  const text = readFileSync(FIREWALLD, 'utf8');
  const parseMs = timeIt(() => parseNftRuleset(text, { file: FIREWALLD }));
  rows.push({
    name: 'parse firewalld nft ruleset',
    value: parseMs * 1000,
    unit: 'µs',
    note: `${text.split('\n').length} lines (Docker 28.5 + firewalld 2.5.2, nft 1.1.7)`,
  });
  const one = flowMs(nftHost(1));
  const thousand = flowMs(nftHost(1000));
  for (const [count, t] of [
    [1, one],
    [1000, thousand],
  ] as const) {
    rows.push({
      name: `nft 3-ping flow, ${count} bridge${count === 1 ? '' : 's'}`,
      value: t.ms,
      unit: 'ms',
      note: `${count === 1000 ? `goal < ${FLOW_GOAL_MS} ms: ${t.ms < FLOW_GOAL_MS ? 'met' : 'NOT met'}; ` : ''}${t.quiet.toFixed(3)} ms without path recording`,
    });
  }
  rows.push({
    name: 'nft growth 1000 vs 1 bridges',
    value: thousand.ms / one.ms,
    unit: 'x',
    note: 'Docker 29 nft shape: verdict maps keyed by interface, one lookup per map',
  });
  const denied = flowMs(nftHost(1, deniedSetTable(deniedAddresses(5000))));
  rows.push({
    name: 'nft 3-ping flow, 5000-address set',
    value: denied.ms,
    unit: 'ms',
    note: `${(denied.ms / one.ms).toFixed(2)}x the 1-bridge flow (ip saddr @denied in prerouting)`,
  });
  return rows;
}
