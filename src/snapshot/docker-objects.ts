/**
 * `docker network inspect` and `docker inspect` output (the Engine API's JSON) reduced
 * to the networking facts a snapshot keeps. Pure. Fields are picked one by one, never
 * copied wholesale: environment, labels, commands, mounts and anything else a bug
 * report should not carry cannot slip through.
 */
import { canonicalAddress, isAddress, isIPv4 } from '../netfilter/address/index.ts';
import { ipv6Text } from './ip6.ts';
import type { SnapshotContainer, SnapshotNetwork } from './schema.ts';

/** Driver options that change the rules or addresses Docker writes; the rest are dropped. */
const KEPT_OPTION = /^com\.docker\.network\.(bridge\.|driver\.mtu$|enable_ipv6$)/;

// The Engine API's shapes, as far as they are read here: everything optional, since
// versions differ and a foreign object must not crash the reduction.
interface ApiNetwork {
  Id?: string;
  Name?: string;
  Driver?: string;
  Internal?: boolean;
  EnableIPv6?: boolean;
  Options?: Record<string, string> | null;
  IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string; IPRange?: string }> | null } | null;
}

interface ApiEndpoint {
  IPAddress?: string;
  IPPrefixLen?: number;
  Gateway?: string;
  GlobalIPv6Address?: string;
  GlobalIPv6PrefixLen?: number;
  IPv6Gateway?: string;
  NetworkID?: string;
}

interface ApiContainer {
  Id?: string;
  Name?: string;
  State?: { Running?: boolean } | null;
  NetworkSettings?: {
    Networks?: Record<string, ApiEndpoint> | null;
    Ports?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null;
  } | null;
}

/** Docker's name for a bridge network's Linux bridge. */
export function bridgeName(network: {
  Id?: string;
  Driver?: string;
  Options?: Record<string, string> | null;
}) {
  if (network.Driver !== 'bridge') return undefined;
  return network.Options?.['com.docker.network.bridge.name'] ?? `br-${(network.Id ?? '').slice(0, 12)}`;
}

export function reduceNetworks(inspect: readonly ApiNetwork[]): SnapshotNetwork[] {
  return inspect.map((n) => {
    const options = Object.fromEntries(
      Object.entries(n.Options ?? {}).filter(([key]) => KEPT_OPTION.test(key)),
    );
    const bridge = bridgeName(n);
    return {
      id: n.Id ?? '',
      name: n.Name ?? '',
      driver: n.Driver ?? '',
      ...(bridge ? { bridge } : {}),
      internal: n.Internal === true,
      ...(n.EnableIPv6 === true ? { enableIPv6: true } : {}),
      options,
      ipam: (n.IPAM?.Config ?? []).map((c) => ({
        subnet: c.Subnet ?? '',
        // IPv6 in the form the file keeps; a gateway of no family is not kept.
        ...(c.Gateway && isAddress(c.Gateway) ? { gateway: canonicalAddress(c.Gateway) } : {}),
        ...(c.IPRange ? { ipRange: c.IPRange } : {}),
      })),
    };
  });
}

export function reduceContainers(inspect: readonly ApiContainer[]): SnapshotContainer[] {
  return inspect.map((c) => ({
    id: c.Id ?? '',
    name: (c.Name ?? '').replace(/^\//, ''),
    running: c.State?.Running === true,
    endpoints: Object.entries(c.NetworkSettings?.Networks ?? {}).map(([network, e]) => {
      // The API says "" and 0 for an endpoint without IPv6.
      const address6 = ipv6Text(e.GlobalIPv6Address);
      const gateway6 = ipv6Text(e.IPv6Gateway);
      const prefix6 = e.GlobalIPv6PrefixLen;
      return {
        network,
        ...(e.IPAddress && isIPv4(e.IPAddress) ? { address: e.IPAddress, prefix: e.IPPrefixLen ?? 32 } : {}),
        ...(e.Gateway && isIPv4(e.Gateway) ? { gateway: e.Gateway } : {}),
        ...(address6
          ? {
              address6,
              prefix6:
                Number.isInteger(prefix6) && (prefix6 as number) > 0 && (prefix6 as number) <= 128
                  ? (prefix6 as number)
                  : 128,
            }
          : {}),
        ...(gateway6 ? { gateway6 } : {}),
      };
    }),
    ports: Object.entries(c.NetworkSettings?.Ports ?? {}).flatMap(([key, bindings]) => {
      const m = /^(\d+)\/(tcp|udp)$/.exec(key);
      if (!m) return []; // sctp and the like: the twin does not model them
      const containerPort = Number(m[1]);
      const protocol = m[2] as 'tcp' | 'udp';
      // An exposed port that is not published has no bindings: it still tells what the container serves.
      if (!bindings || bindings.length === 0) return [{ containerPort, protocol }];
      return bindings.map((b) => ({
        containerPort,
        protocol,
        ...(b.HostIp !== undefined ? { hostIp: b.HostIp } : {}),
        ...(b.HostPort ? { hostPort: Number(b.HostPort) } : {}),
      }));
    }),
  }));
}
