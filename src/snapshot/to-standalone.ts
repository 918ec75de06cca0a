/**
 * A snapshot as a standalone host that every backend can build: the model loads it as
 * is; a DinD host restores its rules with iptables-restore, creates its bridges and
 * addressed interfaces, and plays each container as a network namespace behind its
 * bridge (src/dind/standalone-host.ts). Pure.
 */
import type { ContainerInfo, StandaloneHostSpec } from '../contract.ts';
import { parseSnapshotJson } from './schema.ts';
import { snapshotToHost } from './to-host.ts';

export interface SnapshotReplay {
  spec: StandaloneHostSpec;
  /** The snapshot's running containers, by name, for steps that name them. */
  containers: ContainerInfo[];
  warnings: string[];
}

/**
 * Sysctls a real host can be given: forwarding, and route_localnet of the interfaces
 * that are built. Others (conntrack sizes, br_netfilter's switches, per-veth keys of
 * veths that will not exist) are the runner's or meaningless on a rebuilt host.
 */
function replayableSysctls(sysctls: Record<string, string>, interfaces: readonly string[]) {
  const keep = new Set([
    'net.ipv4.ip_forward',
    ...['all', 'default', ...interfaces].map((i) => `net.ipv4.conf.${i}.route_localnet`),
  ]);
  return Object.fromEntries(Object.entries(sysctls).filter(([key]) => keep.has(key)));
}

export function snapshotReplay(text: string, file: string): SnapshotReplay {
  const snapshot = parseSnapshotJson(text, file);
  const { host, endpoints, warnings } = snapshotToHost(snapshot, file);
  // Bridges and addressed interfaces carry the packet path; containers' veths are
  // rebuilt by the namespaces that play them.
  const interfaces = host.interfaces.filter(
    (i) => i.kind === 'loopback' || i.kind === 'bridge' || i.addresses.length > 0,
  );
  const spec: StandaloneHostSpec = {
    rulesetText: snapshot.iptables.save,
    ...(snapshot.nftables ? { nftRulesetText: snapshot.nftables.ruleset } : {}),
    file,
    interfaces,
    routes: host.routes.filter((r) => interfaces.some((i) => i.name === r.dev)),
    sysctls: {
      'net.ipv4.ip_forward': '1',
      ...replayableSysctls(
        snapshot.sysctls,
        interfaces.map((i) => i.name),
      ),
    },
    neighbours: host.neighbours.map((n) => ({ ...n, answersPing: true })),
  };
  const byId = new Map(snapshot.containers.map((c) => [c.name, c.id]));
  const seen = new Set<string>();
  const containers: ContainerInfo[] = [];
  for (const e of endpoints) {
    if (seen.has(e.container)) continue; // a container on two networks is addressed by its first
    seen.add(e.container);
    containers.push({
      name: e.container,
      id: byId.get(e.container) ?? '',
      network: e.network,
      address: e.address,
    });
  }
  return { spec, containers, warnings };
}
