/**
 * The routing decision: local addresses (every interface address and 127/8) are
 * delivered locally; otherwise the longest matching route wins — explicit routes and
 * the connected subnets of the interfaces; "default" is 0.0.0.0/0. Also chooses the
 * source address of host-originated packets (the route's src, else the first address
 * of the outgoing interface: docker-proxy reaching 172.18.0.66 uses 172.18.0.1).
 * IPv6 has a table of its own (routes whose destination is an IPv6 CIDR, `::/0` the
 * default; interface addresses of either family); a lookup uses the table of its family.
 */
import {
  type Cidr,
  type Cidr6,
  cidrContains,
  type Family,
  formatCidr6,
  formatIPv4,
  LOOPBACK,
  makeCidr6,
  parseCidr,
  parseCidr6,
  parseIPv4,
  parseIPv6,
  prefixMask,
} from '../address/index.ts';
import type { HostInterface, HostState, InterfaceKind } from '../host-types.ts';
import { IPV6_LOOPBACK, type Ip, Ip6Map } from './ip.ts';

export type RouteDecision =
  | { kind: 'local'; dev: string }
  | { kind: 'unicast'; dev: string; via?: Ip; src?: Ip; route: string }
  | { kind: 'unreachable' };

interface CompiledRoute {
  cidr: Cidr;
  dev: string;
  via?: number;
  src?: number;
  /** Explicit routes keep their text; connected ones are described on demand. */
  text?: string;
}

/** The IPv6 half of the table: its own routes, local addresses and primary addresses. */
interface CompiledRoute6 {
  cidr: Cidr6;
  dev: string;
  via?: bigint;
  src?: bigint;
  text: string;
}

const isV6Destination = (d: string) => d === '::/0' || d === 'default6' || d.includes(':');

export class RoutingTable {
  private readonly localAddresses = new Map<number, string>();
  private readonly broadcasts = new Set<number>([0xffffffff]);
  private readonly routes: CompiledRoute[] = [];
  /**
   * Longest prefix first: per prefix length, routes by network (the first listed wins a
   * tie), so a lookup is at most 33 hash probes however many bridges the host has.
   */
  private readonly byPrefix: Array<{ mask: number; routes: Map<number, CompiledRoute> }> = [];
  private readonly interfaces = new Map<string, HostInterface>();
  private readonly primary = new Map<string, number>();
  private readonly local6 = new Ip6Map<string>();
  private readonly primary6 = new Map<string, bigint>();
  /** IPv6 routes by prefix length (longest first), by network: at most 129 probes. */
  private readonly byPrefix6: Array<{ mask: bigint; routes: Ip6Map<CompiledRoute6> }> = [];

  constructor(host: HostState) {
    const routes6: CompiledRoute6[] = [];
    for (const iface of host.interfaces) {
      this.interfaces.set(iface.name, iface);
      if (iface.up === false) continue;
      for (const a of iface.addresses) {
        if (a.address.includes(':')) {
          const address = parseIPv6(a.address);
          this.local6.set(address, iface.name);
          if (!this.primary6.has(iface.name)) this.primary6.set(iface.name, address);
          if (iface.kind !== 'loopback') {
            const cidr = makeCidr6(address, a.prefix);
            routes6.push({
              cidr,
              dev: iface.name,
              src: address,
              text: `${formatCidr6(cidr)} dev ${iface.name} (connected)`,
            });
          }
          continue;
        }
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
    const explicit = host.routes
      .filter((r) => !isV6Destination(r.destination))
      .map((r) => ({
        cidr: parseCidr(r.destination === 'default' ? '0.0.0.0/0' : r.destination),
        dev: r.dev,
        via: r.via === undefined ? undefined : parseIPv4(r.via),
        src: r.src === undefined ? undefined : parseIPv4(r.src),
        text: `${r.destination}${r.via ? ` via ${r.via}` : ''} dev ${r.dev}`,
      }));
    this.routes.unshift(...explicit);
    this.routes.sort((a, b) => b.cidr.prefix - a.cidr.prefix);
    for (const r of this.routes) {
      r.text ??= `${formatIPv4(r.cidr.network)}/${r.cidr.prefix} dev ${r.dev} (connected)`;
      let level = this.byPrefix.at(-1);
      if (level?.mask !== r.cidr.mask) {
        level = { mask: r.cidr.mask, routes: new Map() };
        this.byPrefix.push(level);
      }
      if (!level.routes.has(r.cidr.network)) level.routes.set(r.cidr.network, r);
    }
    const explicit6 = host.routes
      .filter((r) => isV6Destination(r.destination))
      .map((r) => ({
        cidr: parseCidr6(r.destination === 'default6' ? '::/0' : r.destination),
        dev: r.dev,
        via: r.via === undefined ? undefined : parseIPv6(r.via),
        src: r.src === undefined ? undefined : parseIPv6(r.src),
        text: `${r.destination === '::/0' || r.destination === 'default6' ? 'default' : r.destination}${r.via ? ` via ${r.via}` : ''} dev ${r.dev}`,
      }));
    routes6.unshift(...explicit6);
    routes6.sort((a, b) => b.cidr.prefix - a.cidr.prefix);
    for (const r of routes6) {
      let level = this.byPrefix6.at(-1);
      if (level?.mask !== r.cidr.mask) {
        level = { mask: r.cidr.mask, routes: new Ip6Map() };
        this.byPrefix6.push(level);
      }
      if (!level.routes.has(r.cidr.network)) level.routes.set(r.cidr.network, r);
    }
  }

  isLocal(address: Ip): boolean {
    if (typeof address === 'bigint') return address === IPV6_LOOPBACK || this.local6.has(address);
    return this.localAddresses.has(address) || cidrContains(LOOPBACK, address);
  }

  /** The interface that owns a local address ('lo' for 127/8 and ::1). */
  localDevOf(address: Ip): string | undefined {
    if (typeof address === 'bigint') return address === IPV6_LOOPBACK ? 'lo' : this.local6.get(address);
    return this.localAddresses.get(address) ?? (cidrContains(LOOPBACK, address) ? 'lo' : undefined);
  }

  /** IPv6 has no broadcast: multicast takes its place (not modelled). */
  isBroadcast(address: Ip): boolean {
    return typeof address === 'number' && this.broadcasts.has(address);
  }

  kindOf(dev: string): InterfaceKind | undefined {
    if (dev === 'lo') return 'loopback';
    return this.interfaces.get(dev)?.kind;
  }

  primaryAddress(dev: string): number | undefined {
    if (dev === 'lo') return 0x7f000001;
    return this.primary.get(dev);
  }

  /** The first IPv6 address of `dev` (what MASQUERADE and the host's replies use for IPv6). */
  primaryAddress6(dev: string): bigint | undefined {
    if (dev === 'lo') return IPV6_LOOPBACK;
    return this.primary6.get(dev);
  }

  /** The first address of `dev` in `family`. */
  primaryAddressOf(dev: string, family: Family): Ip | undefined {
    return family === 'ipv6' ? this.primaryAddress6(dev) : this.primaryAddress(dev);
  }

  lookup(daddr: Ip): RouteDecision {
    if (this.isLocal(daddr)) return { kind: 'local', dev: 'lo' };
    if (typeof daddr === 'bigint') {
      for (const level of this.byPrefix6) {
        const r = level.routes.get(daddr & level.mask);
        if (r) return { kind: 'unicast', dev: r.dev, via: r.via, src: r.src, route: r.text };
      }
      return { kind: 'unreachable' };
    }
    for (const level of this.byPrefix) {
      const r = level.routes.get((daddr & level.mask) >>> 0);
      if (r) return { kind: 'unicast', dev: r.dev, via: r.via, src: r.src, route: r.text as string };
    }
    return { kind: 'unreachable' };
  }

  /** Source address the host picks for a packet it originates to daddr. */
  sourceFor(daddr: Ip, decision: RouteDecision): Ip | undefined {
    if (typeof daddr === 'bigint') {
      if (decision.kind === 'local') return daddr;
      if (decision.kind === 'unreachable') return undefined;
      return decision.src ?? this.primaryAddress6(decision.dev);
    }
    if (decision.kind === 'local') return cidrContains(LOOPBACK, daddr) ? 0x7f000001 : daddr;
    if (decision.kind === 'unreachable') return undefined;
    return decision.src ?? this.primaryAddress(decision.dev);
  }
}

/**
 * Every value the routing table is built from, in a fixed order. Comparing it is a
 * few pointer checks per interface, far cheaper than rebuilding the table for each
 * flow on a host with 1,000 bridges; any change (even in place) rebuilds it. `values`
 * is appended to when `compare` is false, else compared from the start.
 */
function fingerprint(host: HostState, values: unknown[], compare: boolean): boolean {
  // Written out without a visitor closure: this runs once per flow over every interface.
  let n = 0;
  let same = true;
  const put = (v: unknown) => {
    values.push(v);
  };
  for (const i of host.interfaces) {
    const addresses = i.addresses;
    if (compare) {
      if (
        values[n] !== i ||
        values[n + 1] !== i.name ||
        values[n + 2] !== i.kind ||
        values[n + 3] !== i.up ||
        values[n + 4] !== addresses.length
      )
        return false;
      n += 5;
      for (const a of addresses) {
        if (values[n] !== a.address || values[n + 1] !== a.prefix) return false;
        n += 2;
      }
    } else {
      put(i);
      put(i.name);
      put(i.kind);
      put(i.up);
      put(addresses.length);
      for (const a of addresses) {
        put(a.address);
        put(a.prefix);
      }
    }
  }
  for (const r of host.routes) {
    for (const v of [r.destination, r.dev, r.via, r.src]) {
      if (!compare) put(v);
      else if (values[n++] !== v) same = false;
    }
  }
  if (!compare) {
    put(host.interfaces.length);
    put(host.routes.length);
    return true;
  }
  return (
    same &&
    values[n] === host.interfaces.length &&
    values[n + 1] === host.routes.length &&
    n + 2 === values.length
  );
}

const tables = new WeakMap<HostState, { values: unknown[]; table: RoutingTable }>();

/** The host's routing table, rebuilt only when its interfaces or routes changed. */
export function routingFor(host: HostState): RoutingTable {
  const cached = tables.get(host);
  if (cached && fingerprint(host, cached.values, true)) return cached.table;
  const values: unknown[] = [];
  fingerprint(host, values, false);
  const table = new RoutingTable(host);
  tables.set(host, { values, table });
  return table;
}
