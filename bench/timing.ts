/**
 * What the netfilter bench rows share: the timer, the goal per 3-ping flow, and the host
 * (eth0, docker0 and N-1 bridges, two containers on docker0) both rulesets are walked on.
 */
import type { HostInterface, HostState } from '../src/netfilter/host-types.ts';
import type { BridgeNetwork } from './nft-shapes.ts';

/** Issue #19: a 3-ping flow through 1,000 bridges, iptables or nft, in under 0.2 ms. */
export const FLOW_GOAL_MS = 0.2;

/**
 * Runs fn repeatedly for about `budgetMs` of this process's CPU time (after a warm-up), in
 * three rounds, and returns the fastest round's CPU ms per call. CPU time, not wall time:
 * the bench runs on machines shared with other work, where wall time measures the
 * neighbours as much as the twin; the fastest round, because a neighbour can only add.
 */
export function timeIt(fn: () => void, budgetMs = 400): number {
  // Warm up until the JIT has settled (its compiler threads count in this process's CPU
  // time): a quarter of the budget, at least 5 calls.
  const warm = process.cpuUsage();
  for (let i = 0; i < 5 || cpuMs(warm) < budgetMs / 4; i++) fn();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    let calls = 0;
    const start = process.cpuUsage();
    let elapsed = 0;
    do {
      fn();
      calls += 1;
      elapsed = cpuMs(start);
    } while (elapsed < budgetMs / 3);
    best = Math.min(best, elapsed / calls);
  }
  return best;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/** The host without rules: interfaces, the default route, two containers on docker0. */
export function bridgeHost(nets: BridgeNetwork[]): Omit<HostState, 'firewall'> {
  const bridges: HostInterface[] = nets.map((n) => ({
    name: n.bridge,
    kind: 'bridge',
    addresses: [{ address: n.gateway, prefix: Number(n.subnet.split('/')[1]) }],
  }));
  return {
    interfaces: [
      { name: 'lo', kind: 'loopback', addresses: [{ address: '127.0.0.1', prefix: 8 }] },
      { name: 'eth0', kind: 'ether', addresses: [{ address: '192.168.70.6', prefix: 24 }] },
      ...bridges,
    ],
    routes: [{ destination: 'default', dev: 'eth0', via: '192.168.70.1' }],
    sysctls: { 'net.ipv4.ip_forward': '1' },
    listeners: [],
    neighbours: [
      { name: 'test1', address: '172.17.0.2', dev: 'docker0' },
      { name: 'test2', address: '172.17.0.3', dev: 'docker0' },
    ],
  };
}
