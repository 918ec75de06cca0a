/**
 * The IPv6 half of a host as `ip` prints it: the inet6 addresses of `ip -j addr` and the
 * routes of `ip -j -6 route`, in the forms a snapshot keeps (addresses as glibc prints
 * them, `fd30::2`; a route's destination `default` or a CIDR). Pure.
 *
 * What `ip` prints comes from the host being recorded, which is trusted no more than the
 * file it ends up in: an entry that is not of the kernel's form is left out and said,
 * never passed on half-read.
 */
import { canonicalAddress, formatCidr6, isCidr6, isIPv6, parseCidr6 } from '../netfilter/address/index.ts';
import { isInterfaceName } from '../netfilter/kernel-names.ts';
import { parseJsonArray } from './json-array.ts';

export interface Address6 {
  address: string;
  prefix: number;
}

export interface Route6 {
  /** `default` (::/0) or a CIDR in ip's form (`fd30::/64`, `fd30::2/128`). */
  destination: string;
  dev: string;
  via?: string;
  src?: string;
}

/** What was read, and what was left out (for the terminal: the snapshot still works). */
export interface Parsed<T> {
  value: T;
  skipped: string[];
}

/** An IPv6 address in the form `ip` and ip6tables print (`FD30:0::2` → `fd30::2`), or undefined. */
export function ipv6Text(text: unknown): string | undefined {
  if (typeof text !== 'string' || !isIPv6(text)) return undefined;
  return canonicalAddress(text, 'ipv6');
}

/** Is `text` an IPv6 address written exactly as `ip` prints it? */
export function isCanonicalIPv6(text: string): boolean {
  return ipv6Text(text) === text;
}

/** Is `text` an IPv6 CIDR written as `ip -6 route` prints it (network address, host bits clear)? */
export function isCanonicalCidr6(text: string): boolean {
  if (!isCidr6(text)) return false;
  return formatCidr6(parseCidr6(text)) === text;
}

const record = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/**
 * The inet6 addresses of `ip -j addr show`, per interface name, in the order ip lists
 * them (global before link-local, as the kernel keeps them). Tentative or dadfailed
 * addresses are kept: they are on the interface, as `ip addr` says.
 */
export function parseIp6Addresses(json: string): Parsed<Map<string, Address6[]>> {
  const out = new Map<string, Address6[]>();
  const skipped: string[] = [];
  for (const entry of parseJsonArray(json, 'ip -j addr')) {
    const e = record(entry);
    const name = e?.ifname;
    if (typeof name !== 'string' || !isInterfaceName(name)) continue;
    const infos = Array.isArray(e?.addr_info) ? (e.addr_info as unknown[]) : [];
    for (const info of infos) {
      const a = record(info);
      if (a?.family !== 'inet6') continue;
      const address = ipv6Text(a.local);
      const prefix = a.prefixlen;
      if (
        address === undefined ||
        typeof prefix !== 'number' ||
        !Number.isInteger(prefix) ||
        prefix < 0 ||
        prefix > 128
      ) {
        skipped.push(
          `${name}: inet6 ${JSON.stringify(a.local)}/${JSON.stringify(prefix)} is not an IPv6 address/prefix`,
        );
        continue;
      }
      const list = out.get(name) ?? [];
      list.push({ address, prefix });
      out.set(name, list);
    }
  }
  return { value: out, skipped };
}

/**
 * The unicast routes of `ip -j -6 route show` (the main table). `dst` is `default`, a
 * CIDR, or a bare address for a /128; unreachable/blackhole/prohibit routes and
 * multipath routes (nexthops, no single dev) are not what the twin routes by: left out
 * and said.
 */
export function parseIp6RouteJson(json: string): Parsed<Route6[]> {
  const routes: Route6[] = [];
  const skipped: string[] = [];
  for (const entry of parseJsonArray(json, 'ip -j -6 route')) {
    const e = record(entry);
    if (!e) continue;
    const dst = e.dst;
    const shown = JSON.stringify(dst);
    if (e.type !== undefined && e.type !== 'unicast') {
      skipped.push(`route ${shown}: type ${JSON.stringify(e.type)} is not modelled`);
      continue;
    }
    if (typeof e.dev !== 'string' || !isInterfaceName(e.dev)) {
      skipped.push(`route ${shown}: no single interface (multipath or foreign dev) is not modelled`);
      continue;
    }
    let destination: string | undefined;
    if (dst === 'default') destination = 'default';
    else if (typeof dst === 'string') {
      const cidr = dst.includes('/') ? dst : `${dst}/128`;
      if (isCidr6(cidr)) destination = formatCidr6(parseCidr6(cidr));
    }
    if (destination === undefined) {
      skipped.push(`route ${shown}: not an IPv6 destination`);
      continue;
    }
    const route: Route6 = { destination, dev: e.dev };
    if (e.gateway !== undefined) {
      const via = ipv6Text(e.gateway);
      // `via inet 192.0.2.1` (an IPv4 next hop for IPv6, RFC 5549): not modelled.
      if (via === undefined) {
        skipped.push(`route ${shown}: gateway ${JSON.stringify(e.gateway)} is not an IPv6 address`);
        continue;
      }
      route.via = via;
    }
    const src = ipv6Text(e.prefsrc);
    if (src !== undefined) route.src = src;
    routes.push(route);
  }
  return { value: routes, skipped };
}

/** A snapshot's IPv6 route as the twin's Route: the default is `::/0` in the IPv6 table. */
export function twinRoute6(route: Route6): Route6 {
  return { ...route, destination: route.destination === 'default' ? '::/0' : route.destination };
}
