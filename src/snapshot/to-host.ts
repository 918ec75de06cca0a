/**
 * A snapshot as the twin's HostState: its ruleset, interfaces, routes, sysctls and
 * docker-proxy listeners as they were, and every running container as a neighbour
 * behind its network's bridge (named after the container, so paths read "api", not
 * "172.19.0.2"). Pure.
 */

import { isCidr6 } from '../netfilter/address/index.ts';
import type { HostFirewallState } from '../netfilter/firewall-state.ts';
import type { HostState, Neighbour } from '../netfilter/host-types.ts';
import { NftParseError, parseNftRuleset } from '../netfilter/nft/parse.ts';
import type { NftRuleset } from '../netfilter/nft/types.ts';
import { parseRuleset, RulesetParseError } from '../netfilter/ruleset/index.ts';
import type { Ruleset } from '../netfilter/types.ts';
import { SnapshotError } from './errors.ts';
import { twinRoute6 } from './ip6.ts';
import type { Snapshot, SnapshotNetwork } from './schema.ts';

export interface SnapshotContainerEndpoint {
  container: string;
  network: string;
  bridge: string;
  address: string;
  family: 'ipv4' | 'ipv6';
}

export interface SnapshotHost {
  host: HostState;
  /** Every running container's address on each bridge network, in snapshot order. */
  endpoints: SnapshotContainerEndpoint[];
  /** What the twin cannot replay of this snapshot, for humans. */
  warnings: string[];
}

/** iptables-legacy creates every built-in chain; iptables-nft only those holding rules. */
function nftLazy(snapshot: Snapshot): boolean {
  return snapshot.iptables.backend === 'nft';
}

/** "20.10.24+dfsg1" → 20; "" → 0. */
function majorVersion(version: string): number {
  return Number(/^(\d+)/.exec(version)?.[1] ?? 0);
}

/** The network's subnets of both families (a container reaches both when it has no default route). */
function subnets(network: SnapshotNetwork): string[] {
  return network.ipam.map((c) => c.subnet).filter((s) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(s) || isCidr6(s));
}

/** A dump of the snapshot as a Ruleset, or SnapshotError naming the field and line. */
function parseDump(text: string, file: string, field: string, family: 'ipv4' | 'ipv6'): Ruleset {
  try {
    return parseRuleset(text, { file: `${file} (${field})`, family });
  } catch (error) {
    if (error instanceof RulesetParseError) {
      throw new SnapshotError(file, field, `line ${error.line}: ${error.detail}: ${error.lineText}`);
    }
    throw new SnapshotError(file, field, (error as Error).message);
  }
}

export function snapshotToHost(snapshot: Snapshot, file: string): SnapshotHost {
  const warnings: string[] = [];
  const ruleset = parseDump(snapshot.iptables.save, file, 'iptables.save', 'ipv4');
  // A host without ip6tables: every IPv6 hook accepts (no ip6tables entry in HostState.firewall).
  const ip6Ruleset =
    snapshot.ip6tables?.save !== undefined
      ? parseDump(snapshot.ip6tables.save, file, 'ip6tables.save', 'ipv6')
      : undefined;
  let nftRuleset: NftRuleset | undefined;
  if (snapshot.nftables) {
    try {
      nftRuleset = parseNftRuleset(snapshot.nftables.ruleset, { file: `${file} (nftables.ruleset)` });
    } catch (error) {
      const detail =
        error instanceof NftParseError ? `line ${error.line}: ${error.detail}` : (error as Error).message;
      throw new SnapshotError(file, 'nftables.ruleset', detail);
    }
  }
  if (snapshot.iptables.legacySave) {
    warnings.push(
      'the host also has iptables-legacy rules (iptables.legacySave); both backends hook netfilter, ' +
        'but the twin replays only the iptables-save rules',
    );
  }
  const interfaces = snapshot.interfaces.map((i) => ({
    name: i.name,
    kind: i.kind,
    addresses: i.addresses.map((a) => ({ ...a })),
    up: i.up,
  }));
  const names = new Set<string>();
  snapshot.interfaces.forEach((i, n) => {
    if (names.has(i.name))
      throw new SnapshotError(file, `interfaces[${n}].name`, `"${i.name}" appears twice`);
    names.add(i.name);
  });
  for (const [field, routes] of [
    ['routes', snapshot.routes],
    ['routes6', snapshot.routes6 ?? []],
  ] as const) {
    routes.forEach((r, n) => {
      if (!names.has(r.dev)) {
        throw new SnapshotError(file, `${field}[${n}].dev`, `no interface "${r.dev}" in interfaces`);
      }
    });
  }

  const networks = new Map(snapshot.networks.map((n) => [n.name, n]));
  const endpoints: SnapshotContainerEndpoint[] = [];
  const neighbours: Neighbour[] = [];
  // Docker 25+ gives a container on internal networks only no default route (moby#46603).
  const internalHasNoRoute = majorVersion(snapshot.docker.serverVersion) >= 25;
  snapshot.containers.forEach((c, ci) => {
    if (!c.running) return;
    const serves = c.ports.map((p) => ({ protocol: p.protocol, port: p.containerPort }));
    const unique = serves.filter(
      (p, i) => serves.findIndex((q) => q.protocol === p.protocol && q.port === p.port) === i,
    );
    const own = c.endpoints.flatMap((e) => {
      const network = networks.get(e.network);
      return network ? [network] : [];
    });
    const reaches =
      internalHasNoRoute && own.length > 0 && own.every((n) => n.internal) ? own.flatMap(subnets) : undefined;
    c.endpoints.forEach((e, ei) => {
      if (!e.address && !e.address6) return; // host / none / container: networking
      const network = networks.get(e.network);
      if (!network) {
        throw new SnapshotError(
          file,
          `containers[${ci}].endpoints[${ei}].network`,
          `no network "${e.network}" in networks`,
        );
      }
      if (!network.bridge) {
        warnings.push(
          `${c.name} is on ${network.driver} network "${network.name}": the twin models bridges only`,
        );
        return;
      }
      if (!names.has(network.bridge)) {
        warnings.push(
          `${c.name}'s network "${network.name}" has no bridge ${network.bridge} among the interfaces; left out`,
        );
        return;
      }
      // One neighbour per address, as the Docker model has it: a dual-stack container
      // answers on both.
      const addresses = [
        ...(e.address ? [{ address: e.address, family: 'ipv4' as const }] : []),
        ...(e.address6 ? [{ address: e.address6, family: 'ipv6' as const }] : []),
      ];
      for (const { address, family } of addresses) {
        endpoints.push({ container: c.name, network: network.name, bridge: network.bridge, address, family });
        neighbours.push({
          name: c.name,
          address,
          dev: network.bridge,
          listeners: unique.map((p) => ({ ...p })),
          ...(reaches ? { reaches } : {}),
        });
      }
    });
  });

  const sysctls: Record<string, string> = { 'net.ipv4.ip_forward': '1', ...snapshot.sysctls };
  const firewall: HostFirewallState = [{ framework: 'iptables-nft', family: 'ipv4', ruleset }];
  if (ip6Ruleset) firewall.push({ framework: 'iptables-nft', family: 'ipv6', ruleset: ip6Ruleset });
  if (nftRuleset) firewall.push({ framework: 'nftables', ruleset: nftRuleset });
  const host: HostState = {
    firewall,
    interfaces,
    routes: [...snapshot.routes.map((r) => ({ ...r })), ...(snapshot.routes6 ?? []).map(twinRoute6)],
    sysctls,
    listeners: snapshot.listeners.map((l) => ({
      ...l,
      ...(l.forwardTo ? { forwardTo: { ...l.forwardTo } } : {}),
    })),
    neighbours,
    nftLazyBuiltinChains: nftLazy(snapshot),
  };
  return { host, endpoints, warnings };
}
