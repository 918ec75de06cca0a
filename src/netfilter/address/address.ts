/**
 * An address of either family, tagged: IPv4 as a u32 number (the packet path's fast
 * form), IPv6 as a bigint. Text in, text out in the form the kernel's tools print.
 */
import { echo } from '../echo.ts';
import { AddressError } from './error.ts';
import { formatIPv4, isIPv4, parseIPv4 } from './ipv4.ts';
import { formatIPv6, isIPv6, parseIPv6 } from './ipv6.ts';

export type Family = 'ipv4' | 'ipv6';

export type Address = { family: 'ipv4'; value: number } | { family: 'ipv6'; value: bigint };

/** Which family `text` is an address of, or undefined when it is none. */
export function addressFamily(text: string): Family | undefined {
  if (isIPv4(text)) return 'ipv4';
  if (isIPv6(text)) return 'ipv6';
  return undefined;
}

/** Is `text` an address (of `family`, when given)? */
export function isAddress(text: string, family?: Family): boolean {
  const found = addressFamily(text);
  return found !== undefined && (family === undefined || found === family);
}

/** Parses an address of either family (or of `family` only); throws AddressError naming the text. */
export function parseAddress(text: string, family?: Family): Address {
  if (family === 'ipv4') return { family, value: parseIPv4(text) };
  if (family === 'ipv6') return { family, value: parseIPv6(text) };
  if (isIPv4(text)) return { family: 'ipv4', value: parseIPv4(text) };
  if (isIPv6(text)) return { family: 'ipv6', value: parseIPv6(text) };
  throw new AddressError(
    text,
    `"${echo(text)}" is not an IP address (expected IPv4 a.b.c.d or IPv6 e.g. fd00::1)`,
  );
}

/** `172.17.0.2`, `fd00::2`: as iptables, ip6tables and nft print addresses. */
export function formatAddress(address: Address): string {
  return address.family === 'ipv4' ? formatIPv4(address.value) : formatIPv6(address.value);
}

/** The printed form of an address given as text (`FD00:0::1` → `fd00::1`). */
export function canonicalAddress(text: string, family?: Family): string {
  return formatAddress(parseAddress(text, family));
}

/** Are two addresses the same (same family, same value)? */
export function sameAddress(a: Address, b: Address): boolean {
  return a.family === b.family && a.value === b.value;
}
