/**
 * A snapshot as a standalone host that every backend can build: the model loads it as
 * is; a DinD host restores its rules with iptables-restore, creates its bridges and
 * addressed interfaces, and plays each container as a network namespace behind its
 * bridge (src/dind/standalone-host.ts). Pure.
 */
import type { ContainerInfo, StandaloneHostSpec } from '../contract.ts';
import { iptablesStateOf } from '../netfilter/firewall-state.ts';
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

/** An IPv6 address other than loopback and link-local (fe80::/10, which every interface has). */
function isGlobal6(address: string): boolean {
  return address.includes(':') && address !== '::1' && !/^fe[89ab]/i.test(address);
}

export function snapshotReplay(text: string, file: string): SnapshotReplay {
  const snapshot = parseSnapshotJson(text, file);
  const { host, endpoints: all, warnings } = snapshotToHost(snapshot, file);
  // A replayed host is IPv4 only for now (its builder creates IPv4 addresses, routes and
  // namespaces, and restores iptables-save only): the IPv6 half is said, not half-built.
  const endpoints = all.filter((e) => e.family === 'ipv4');
  const hasIPv6 =
    endpoints.length < all.length ||
    iptablesStateOf(host.firewall, 'iptables-nft', 'ipv6') !== undefined ||
    host.interfaces.some((i) => i.kind !== 'loopback' && i.addresses.some((a) => isGlobal6(a.address)));
  if (hasIPv6) {
    warnings.push(
      'the snapshot has IPv6 (ip6tables rules, addresses or routes): a replayed host gets its IPv4 half only; `trace --snapshot` follows IPv6',
    );
  }
  const v4 = (a: { address: string }) => !a.address.includes(':');
  // Bridges and addressed interfaces carry the packet path; containers' veths are
  // rebuilt by the namespaces that play them.
  const interfaces = host.interfaces
    .map((i) => ({ ...i, addresses: i.addresses.filter(v4) }))
    .filter((i) => i.kind === 'loopback' || i.kind === 'bridge' || i.addresses.length > 0);
  const spec: StandaloneHostSpec = {
    rulesetText: snapshot.iptables.save,
    ...(snapshot.nftables ? { nftRulesetText: snapshot.nftables.ruleset } : {}),
    file,
    interfaces,
    routes: host.routes.filter(
      (r) => !r.destination.includes(':') && interfaces.some((i) => i.name === r.dev),
    ),
    sysctls: {
      'net.ipv4.ip_forward': '1',
      ...replayableSysctls(
        snapshot.sysctls,
        interfaces.map((i) => i.name),
      ),
    },
    neighbours: host.neighbours.filter(v4).map((n) => ({ ...n, answersPing: true })),
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
