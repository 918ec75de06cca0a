/**
 * A prefix of either family, tagged: for code that takes whatever a user wrote
 * (`--bridge br0=172.30.0.1/24,fd30::1/64`, `{cidr}` in steps) and hands each family
 * to its numeric form.
 */
import { echo } from '../echo.ts';
import type { Address, Family } from './address.ts';
import { type Cidr, cidrContains, formatCidr, parseCidr } from './cidr.ts';
import { type Cidr6, cidr6Contains, formatCidr6, parseCidr6 } from './cidr6.ts';
import { AddressError } from './error.ts';
import { isIPv4 } from './ipv4.ts';
import { isIPv6 } from './ipv6.ts';

export type Prefix = { family: 'ipv4'; cidr: Cidr } | { family: 'ipv6'; cidr: Cidr6 };

/** Which family the address part of "address[/length]" is, or undefined. */
export function prefixFamily(text: string): Family | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  if (isIPv4(address)) return 'ipv4';
  if (isIPv6(address)) return 'ipv6';
  return undefined;
}

/**
 * Parses "address[/length]" of either family (or of `family` only); host bits are
 * cleared; no length means one host (/32, /128). Throws AddressError naming the text.
 */
export function parsePrefix(text: string, family?: Family): Prefix {
  const found = family ?? prefixFamily(text);
  if (found === 'ipv4') return { family: 'ipv4', cidr: parseCidr(text) };
  if (found === 'ipv6') return { family: 'ipv6', cidr: parseCidr6(text) };
  throw new AddressError(
    text,
    `"${echo(text)}" is not an IP prefix (expected e.g. 172.18.0.0/16 or fd00::/64)`,
  );
}

/** `172.18.0.0/16`, `fd00::/64`. */
export function formatPrefix(prefix: Prefix): string {
  return prefix.family === 'ipv4' ? formatCidr(prefix.cidr) : formatCidr6(prefix.cidr);
}

/** Is the address inside the prefix? An address of the other family never is. */
export function prefixContains(prefix: Prefix, address: Address): boolean {
  if (prefix.family === 'ipv4') return address.family === 'ipv4' && cidrContains(prefix.cidr, address.value);
  return address.family === 'ipv6' && cidr6Contains(prefix.cidr, address.value);
}

/** The printed form of a prefix given as text (`172.17.0.1/16` → `172.17.0.0/16`). */
export function canonicalPrefix(text: string, family?: Family): string {
  return formatPrefix(parsePrefix(text, family));
}
