/**
 * IPv4 prefixes as numbers (network, mask, length): what the packet path matches against
 * and what Docker's IPAM counts in. Text is parsed once; containment is one AND.
 */
import ipaddr from 'ipaddr.js';
import { echo } from '../echo.ts';
import { AddressError } from './error.ts';
import { formatIPv4, isIPv4, parseIPv4 } from './ipv4.ts';

export interface Cidr {
  /** Network address: host bits cleared. */
  network: number;
  mask: number;
  /** Prefix length, 0–32. */
  prefix: number;
}

/** The netmask of a prefix length, as a u32 (/16 → 255.255.0.0). */
export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** The prefix `address/prefix`, host bits cleared as the kernel does. */
export function makeCidr(address: number, prefix: number): Cidr {
  const mask = prefixMask(prefix);
  return { network: (address & mask) >>> 0, mask, prefix };
}

export const LOOPBACK: Cidr = { network: 0x7f000000, mask: 0xff000000, prefix: 8 };

/**
 * Parses "a.b.c.d" (a /32) or "a.b.c.d/len" or "a.b.c.d/255.255.0.0" (iptables takes a
 * dotted mask too); host bits are cleared as the kernel does (172.17.0.1/16 → 172.17.0.0/16).
 */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  const address = parseIPv4(slash < 0 ? text : text.slice(0, slash));
  const prefixText = slash < 0 ? '32' : text.slice(slash + 1);
  let prefix: number;
  if (/^\d+$/.test(prefixText)) {
    prefix = Number(prefixText);
  } else if (isIPv4(prefixText)) {
    prefix = ipaddr.IPv4.parse(prefixText).prefixLengthFromSubnetMask() ?? -1;
  } else {
    prefix = -1;
  }
  if (prefix < 0 || prefix > 32) {
    throw new AddressError(text, `"${echo(text)}" has a bad prefix length (expected /0 … /32)`);
  }
  return makeCidr(address, prefix);
}

/** Is `text` an IPv4 CIDR as Go's net.ParseCIDR takes it (four decimal parts, a prefix 0–32)? */
export function isCidr(text: string): boolean {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  return !!m && isIPv4(m[1] as string) && Number(m[2]) <= 32;
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIPv4(cidr.network)}/${cidr.prefix}`;
}

export function cidrContains(cidr: Cidr, address: number): boolean {
  return (address & cidr.mask) >>> 0 === cidr.network;
}

export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b.network) || cidrContains(b, a.network);
}

/** How many addresses the prefix holds (2^32 for /0). */
export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

/** The last address of the prefix (its broadcast address for /0 … /30). */
export function cidrBroadcast(cidr: Cidr): number {
  return (cidr.network | ~cidr.mask) >>> 0;
}

/** The prefix of the same length right after this one (IPAM's next pool); undefined past the end. */
export function nextCidr(cidr: Cidr): Cidr | undefined {
  const next = cidr.network + cidrSize(cidr);
  return next > 0xffffffff ? undefined : makeCidr(next, cidr.prefix);
}
