/**
 * IPv4 addresses as unsigned 32-bit numbers: the packet path compares thousands of
 * CIDRs per packet, so text is parsed once (with ipaddr.js) and compared as integers.
 */
import ipaddr from 'ipaddr.js';
import { echo } from '../echo.ts';
import { AddressError } from './error.ts';

// Hosts are rebuilt per flow (1,000 bridges in the bench): remember parsed addresses.
const parsed = new Map<string, number>();

/** Is `text` "a.b.c.d" (four decimal parts, as the kernel's tools print it)? */
export function isIPv4(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text);
}

/** Parses "a.b.c.d" to a u32; throws AddressError naming the text when it is not IPv4. */
export function parseIPv4(text: string): number {
  const known = parsed.get(text);
  if (known !== undefined) return known;
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) {
    throw new AddressError(text, `"${echo(text)}" is not an IPv4 address (expected a.b.c.d)`);
  }
  const [a, b, c, d] = ipaddr.IPv4.parse(text).octets as [number, number, number, number];
  const value = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
  if (parsed.size > 100_000) parsed.clear();
  parsed.set(text, value);
  return value;
}

/** A u32 as "a.b.c.d". */
export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** The four bytes of a u32, most significant first (interface names, hex forms). */
export function ipv4Bytes(value: number): [number, number, number, number] {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
}
