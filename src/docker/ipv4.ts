/** IPv4 arithmetic on 32-bit numbers, parsed and printed with ipaddr.js. */
import ipaddr from 'ipaddr.js';

export interface Cidr {
  /** Network address (host bits cleared). */
  base: number;
  prefix: number;
}

export function parseIPv4(text: string): number {
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) throw new Error(`"${text}" is not an IPv4 address`);
  const b = ipaddr.IPv4.parse(text).octets;
  return (((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0;
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** "172.18.0.0/16" → {base, prefix}; host bits are cleared as Docker does for subnets. */
export function parseCidr(text: string): Cidr {
  const [addr, p] = text.split('/');
  const prefix = p === undefined ? 32 : Number(p);
  if (!addr || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) {
    throw new Error(`"${text}" is not an IPv4 CIDR (expected e.g. 172.18.0.0/16)`);
  }
  return { base: (parseIPv4(addr) & mask(prefix)) >>> 0, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.base)}/${c.prefix}`;
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function contains(c: Cidr, addr: number): boolean {
  return (addr & mask(c.prefix)) >>> 0 === c.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return contains(a, b.base) || contains(b, a.base);
}

/** Is `text` an IPv4 CIDR as Go's net.ParseCIDR takes it (four decimal parts, a prefix 0–32)? */
export function isCidr(text: string): boolean {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  return !!m && ipaddr.IPv4.isValidFourPartDecimal(m[1] as string) && Number(m[2]) <= 32;
}
