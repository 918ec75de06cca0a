/**
 * IPv4 addresses as unsigned 32-bit numbers: the packet path compares thousands of
 * CIDRs per packet, so text is parsed once (with ipaddr.js) and compared as integers.
 */
import ipaddr from 'ipaddr.js';

export interface Cidr {
  network: number;
  mask: number;
  prefix: number;
}

// Hosts are rebuilt per flow (1,000 bridges in the bench): remember parsed addresses.
const parsed = new Map<string, number>();

/** Parses "a.b.c.d"; throws a message naming the text when it is not IPv4. */
export function parseIPv4(text: string): number {
  const known = parsed.get(text);
  if (known !== undefined) return known;
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) {
    throw new Error(`"${text}" is not an IPv4 address (expected a.b.c.d)`);
  }
  const [a, b, c, d] = ipaddr.IPv4.parse(text).octets as [number, number, number, number];
  const value = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
  if (parsed.size > 100_000) parsed.clear();
  parsed.set(text, value);
  return value;
}

export function isIPv4(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text);
}

export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses "a.b.c.d" (a /32) or "a.b.c.d/len"; host bits are cleared as the kernel does. */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  const address = parseIPv4(slash < 0 ? text : text.slice(0, slash));
  const prefixText = slash < 0 ? '32' : text.slice(slash + 1);
  let prefix: number;
  if (/^\d+$/.test(prefixText)) {
    prefix = Number(prefixText);
  } else if (isIPv4(prefixText)) {
    // iptables also accepts a dotted mask ("/255.255.0.0").
    prefix = ipaddr.IPv4.parse(prefixText).prefixLengthFromSubnetMask() ?? -1;
  } else {
    prefix = -1;
  }
  if (prefix < 0 || prefix > 32) {
    throw new Error(`"${text}" has a bad prefix length (expected /0 … /32)`);
  }
  const mask = prefixMask(prefix);
  return { network: (address & mask) >>> 0, mask, prefix };
}

export function cidrContains(cidr: Cidr, address: number): boolean {
  return (address & cidr.mask) >>> 0 === cidr.network;
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIPv4(cidr.network)}/${cidr.prefix}`;
}

export const LOOPBACK: Cidr = { network: 0x7f000000, mask: 0xff000000, prefix: 8 };
