/**
 * The packet path's address values of both families: IPv4 as a u32 number, IPv6 as a
 * bigint (the address module's forms). A packet's family is the type of its addresses,
 * so a rule compiled for one family never matches a packet of the other — as in the
 * kernel, where ip and ip6 tables see their own family only and an inet table checks.
 */
import {
  addressFamily,
  type Family,
  formatIPv4,
  formatIPv6,
  isIPv4,
  parseAddress,
  parseCidr,
  parseCidr6,
} from '../address/index.ts';

export type Ip = number | bigint;

export function familyOf(address: Ip): Family {
  return typeof address === 'bigint' ? 'ipv6' : 'ipv4';
}

/** `172.17.0.2`, `fd30::2`. */
export function formatIp(address: Ip): string {
  return typeof address === 'bigint' ? formatIPv6(address) : formatIPv4(address);
}

const parsed = new Map<string, Ip | null>();

/** An address of either family as the packet path holds it, or undefined when the text is none. */
export function tryParseIp(text: string): Ip | undefined {
  let value = parsed.get(text);
  if (value === undefined) {
    // Each flow names its endpoints as text: parse each text once (ipaddr.js is slow).
    value = addressFamily(text) === undefined ? null : parseAddress(text).value;
    if (parsed.size > 100_000) parsed.clear();
    parsed.set(text, value);
  }
  return value ?? undefined;
}

/** An address of either family as the packet path holds it; throws AddressError. */
export function parseIp(text: string): Ip {
  return tryParseIp(text) ?? parseAddress(text).value;
}

/** A CIDR's membership test for addresses of its own family (false for the other family). */
export function prefixTest(cidr: string): (address: Ip) => boolean {
  if (isIPv4(cidr.split('/')[0] as string)) {
    const { network, mask } = parseCidr(cidr);
    return (a) => typeof a === 'number' && (a & mask) >>> 0 === network;
  }
  const { network, mask } = parseCidr6(cidr);
  return (a) => typeof a === 'bigint' && (a & mask) === network;
}

/** IPv6 loopback ::1. */
export const IPV6_LOOPBACK = 1n;

/**
 * A map keyed by IPv6 addresses. V8 hashes a BigInt by its lowest 64-bit word only, so
 * a Map<bigint> of 1,000 bridge subnets (fd00:N::/64: all low words zero) is one long
 * collision chain (25 µs a lookup, measured); this map folds both halves into a number key.
 */
export class Ip6Map<V> {
  private readonly buckets = new Map<number, Array<{ key: bigint; value: V }>>();
  private count = 0;

  private static fold(key: bigint): number {
    return Number(BigInt.asUintN(52, key ^ (key >> 64n)));
  }

  get size(): number {
    return this.count;
  }

  get(key: bigint): V | undefined {
    const bucket = this.buckets.get(Ip6Map.fold(key));
    if (bucket) for (const e of bucket) if (e.key === key) return e.value;
    return undefined;
  }

  has(key: bigint): boolean {
    return this.get(key) !== undefined;
  }

  set(key: bigint, value: V): this {
    const h = Ip6Map.fold(key);
    let bucket = this.buckets.get(h);
    if (!bucket) {
      bucket = [];
      this.buckets.set(h, bucket);
    }
    const found = bucket.find((e) => e.key === key);
    if (found) found.value = value;
    else {
      bucket.push({ key, value });
      this.count += 1;
    }
    return this;
  }
}
