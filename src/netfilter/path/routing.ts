/**
 * The routing decision: local addresses (every interface address and 127/8) are
 * delivered locally; otherwise the longest matching route wins — explicit routes and
 * the connected subnets of the interfaces; "default" is 0.0.0.0/0. Also chooses the
 * source address of host-originated packets (the route's src, else the first address
 * of the outgoing interface: docker-proxy reaching 172.18.0.66 uses 172.18.0.1).
 */
import type { HostInterface, HostState, InterfaceKind } from '../host-types.ts';
import { type Cidr, cidrContains, formatIPv4, LOOPBACK, parseCidr, parseIPv4, prefixMask } from './ipv4.ts';

export type RouteDecision =
  | { kind: 'local'; dev: string }
  | { kind: 'unicast'; dev: string; via?: number; src?: number; route: string }
  | { kind: 'unreachable' };

interface CompiledRoute {
  cidr: Cidr;
  dev: string;
  via?: number;
  src?: number;
  /** Explicit routes keep their text; connected ones are described on demand. */
  text?: string;
}

export class RoutingTable {
  private readonly localAddresses = new Map<number, string>();
  private readonly broadcasts = new Set<number>([0xffffffff]);
  private readonly routes: CompiledRoute[] = [];
  private readonly interfaces = new Map<string, HostInterface>();
  private readonly primary = new Map<string, number>();

  constructor(host: HostState) {
    for (const iface of host.interfaces) {
      this.interfaces.set(iface.name, iface);
      if (iface.up === false) continue;
      for (const a of iface.addresses) {
        const address = parseIPv4(a.address);
        this.localAddresses.set(address, iface.name);
        if (!this.primary.has(iface.name)) this.primary.set(iface.name, address);
        const mask = prefixMask(a.prefix);
        const network = (address & mask) >>> 0;
        if (a.prefix < 31) this.broadcasts.add((network | ~mask) >>> 0);
        if (iface.kind !== 'loopback') {
          this.routes.push({
            cidr: { network, mask, prefix: a.prefix },
            dev: iface.name,
            src: address,
          });
        }
      }
    }
    // Explicit routes first: among equal prefixes the first one listed wins.
    const explicit = host.routes.map((r) => ({
      cidr: parseCidr(r.destination === 'default' ? '0.0.0.0/0' : r.destination),
      dev: r.dev,
      via: r.via === undefined ? undefined : parseIPv4(r.via),
      src: r.src === undefined ? undefined : parseIPv4(r.src),
      text: `${r.destination}${r.via ? ` via ${r.via}` : ''} dev ${r.dev}`,
    }));
    this.routes.unshift(...explicit);
    this.routes.sort((a, b) => b.cidr.prefix - a.cidr.prefix);
  }

  isLocal(address: number): boolean {
    return this.localAddresses.has(address) || cidrContains(LOOPBACK, address);
  }

  /** The interface that owns a local address ('lo' for 127/8). */
  localDevOf(address: number): string | undefined {
    return this.localAddresses.get(address) ?? (cidrContains(LOOPBACK, address) ? 'lo' : undefined);
  }

  isBroadcast(address: number): boolean {
    return this.broadcasts.has(address);
  }

  kindOf(dev: string): InterfaceKind | undefined {
    if (dev === 'lo') return 'loopback';
    return this.interfaces.get(dev)?.kind;
  }

  primaryAddress(dev: string): number | undefined {
    if (dev === 'lo') return 0x7f000001;
    return this.primary.get(dev);
  }

  lookup(daddr: number): RouteDecision {
    if (this.isLocal(daddr)) return { kind: 'local', dev: 'lo' };
    for (const r of this.routes) {
      if (cidrContains(r.cidr, daddr)) {
        const route = r.text ?? `${formatIPv4(r.cidr.network)}/${r.cidr.prefix} dev ${r.dev} (connected)`;
        return { kind: 'unicast', dev: r.dev, via: r.via, src: r.src, route };
      }
    }
    return { kind: 'unreachable' };
  }

  /** Source address the host picks for a packet it originates to daddr. */
  sourceFor(daddr: number, decision: RouteDecision): number | undefined {
    if (decision.kind === 'local') return cidrContains(LOOPBACK, daddr) ? 0x7f000001 : daddr;
    if (decision.kind === 'unreachable') return undefined;
    return decision.src ?? this.primaryAddress(decision.dev);
  }
}

/**
 * Every value the routing table is built from, in a fixed order. Comparing it is a
 * few pointer checks per interface, far cheaper than rebuilding the table for each
 * flow on a host with 1,000 bridges; any change (even in place) rebuilds it.
 */
function fingerprint(host: HostState, visit: (value: unknown) => boolean): boolean {
  for (const i of host.interfaces) {
    if (!visit(i) || !visit(i.name) || !visit(i.kind) || !visit(i.up) || !visit(i.addresses.length))
      return false;
    for (const a of i.addresses) if (!visit(a.address) || !visit(a.prefix)) return false;
  }
  for (const r of host.routes) {
    if (!visit(r.destination) || !visit(r.dev) || !visit(r.via) || !visit(r.src)) return false;
  }
  return visit(host.interfaces.length) && visit(host.routes.length);
}

const tables = new WeakMap<HostState, { values: unknown[]; table: RoutingTable }>();

/** The host's routing table, rebuilt only when its interfaces or routes changed. */
export function routingFor(host: HostState): RoutingTable {
  const cached = tables.get(host);
  if (cached) {
    let n = 0;
    const same = fingerprint(host, (v) => cached.values[n++] === v) && n === cached.values.length;
    if (same) return cached.table;
  }
  const values: unknown[] = [];
  fingerprint(host, (v) => values.push(v) > 0);
  const table = new RoutingTable(host);
  tables.set(host, { values, table });
  return table;
}
