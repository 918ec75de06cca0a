/**
 * IPv6 prefixes as bigints (network, mask, length), with the kernel's rule for host
 * bits: `fd00::1/64` is the prefix fd00::/64, as ip6tables-save and nft print it.
 */
import ipaddr from 'ipaddr.js';
import { echo } from '../echo.ts';
import { AddressError } from './error.ts';
import { formatIPv6, IPV6_MAX, isIPv6, parseIPv6 } from './ipv6.ts';

export interface Cidr6 {
  /** Network address: host bits cleared. */
  network: bigint;
  mask: bigint;
  /** Prefix length, 0–128. */
  prefix: number;
}

/** The netmask of a prefix length, as a bigint (/64 → ffff:ffff:ffff:ffff::). */
export function prefixMask6(prefix: number): bigint {
  return prefix === 0 ? 0n : (IPV6_MAX << BigInt(128 - prefix)) & IPV6_MAX;
}

/** The prefix `address/prefix`, host bits cleared. */
export function makeCidr6(address: bigint, prefix: number): Cidr6 {
  const mask = prefixMask6(prefix);
  return { network: address & mask, mask, prefix };
}

/**
 * Parses "fd00::1" (a /128), "fd00::/64" or "fd00::/ffff:ffff:ffff:ffff::" (ip6tables
 * takes a mask written as an address too); host bits are cleared.
 */
export function parseCidr6(text: string): Cidr6 {
  const slash = text.indexOf('/');
  const address = parseIPv6(slash < 0 ? text : text.slice(0, slash));
  const prefixText = slash < 0 ? '128' : text.slice(slash + 1);
  let prefix: number;
  if (/^\d{1,3}$/.test(prefixText)) {
    prefix = Number(prefixText);
  } else if (isIPv6(prefixText)) {
    prefix = ipaddr.IPv6.parse(prefixText).prefixLengthFromSubnetMask() ?? -1;
  } else {
    prefix = -1;
  }
  if (prefix < 0 || prefix > 128) {
    throw new AddressError(text, `"${echo(text)}" has a bad prefix length (expected /0 … /128)`);
  }
  return makeCidr6(address, prefix);
}

/** Is `text` "address/length" with an IPv6 address and a length 0–128? */
export function isCidr6(text: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  return !!m && isIPv6(m[1] as string) && Number(m[2]) <= 128;
}

export function formatCidr6(cidr: Cidr6): string {
  return `${formatIPv6(cidr.network)}/${cidr.prefix}`;
}

export function cidr6Contains(cidr: Cidr6, address: bigint): boolean {
  return (address & cidr.mask) === cidr.network;
}

export function cidr6Overlaps(a: Cidr6, b: Cidr6): boolean {
  return cidr6Contains(a, b.network) || cidr6Contains(b, a.network);
}

/** How many addresses the prefix holds. */
export function cidr6Size(cidr: Cidr6): bigint {
  return 1n << BigInt(128 - cidr.prefix);
}

/** The last address of the prefix. */
export function cidr6Last(cidr: Cidr6): bigint {
  return cidr.network | (~cidr.mask & IPV6_MAX);
}

/** The prefix of the same length right after this one (IPAM's next pool); undefined past the end. */
export function nextCidr6(cidr: Cidr6): Cidr6 | undefined {
  const next = cidr.network + cidr6Size(cidr);
  return next > IPV6_MAX ? undefined : makeCidr6(next, cidr.prefix);
}
