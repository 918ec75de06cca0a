/**
 * Addresses as iptables and ip6tables print `-s`/`-d`: network/prefix with the host bits
 * cleared (`172.17.0.1/16` → `172.17.0.0/16`, `fd00::1/64` → `fd00::/64`), the full length
 * kept for a single host (`/32`, `/128`), and "any" (`0/0`, `0.0.0.0/0`, `::/0`) reported
 * as undefined because iptables-save omits it.
 */
import ipaddr from 'ipaddr.js';
import { echo } from '../echo.ts';
import type { Family } from './address.ts';
import { formatCidr, makeCidr } from './cidr.ts';
import { formatCidr6, makeCidr6 } from './cidr6.ts';
import { AddressError } from './error.ts';
import { isIPv4, parseIPv4 } from './ipv4.ts';
import { isIPv6, parseIPv6 } from './ipv6.ts';

/** iptables' own refusal: it would try the text as a host name, and nettwin resolves none. */
function notFound(input: string, family: Family): AddressError {
  const what = family === 'ipv4' ? 'IPv4' : 'IPv6';
  return new AddressError(
    input,
    `host/network "${echo(input)}" not found (nettwin does not resolve names: write an ${what} address or CIDR)`,
  );
}

/** Returns the canonical "address/length", or undefined for the any-address (/0). */
export function canonicalCidr(input: string, family: Family = 'ipv4'): string | undefined {
  const slash = input.indexOf('/');
  const hostPart = slash < 0 ? input : input.slice(0, slash);
  const maskPart = slash < 0 ? undefined : input.slice(slash + 1);
  if (family === 'ipv6') {
    if (!isIPv6(hostPart)) throw notFound(input, family);
    const prefix = maskPart === undefined ? 128 : prefixOf(maskPart, input, family);
    return prefix === 0 ? undefined : formatCidr6(makeCidr6(parseIPv6(hostPart), prefix));
  }
  // iptables (inet_aton) reads a lone "0" as 0.0.0.0: `-s 0/0` is common in old scripts.
  const address = hostPart === '0' ? 0 : isIPv4(hostPart) ? parseIPv4(hostPart) : undefined;
  if (address === undefined) throw notFound(input, family);
  const prefix = maskPart === undefined ? 32 : prefixOf(maskPart, input, family);
  return prefix === 0 ? undefined : formatCidr(makeCidr(address, prefix));
}

/** A length ("16") or a mask written as an address ("255.255.0.0", "ffff:ffff::"). */
function prefixOf(text: string, input: string, family: Family): number {
  const max = family === 'ipv4' ? 32 : 128;
  if (family === 'ipv4' ? /^\d{1,2}$/.test(text) : /^\d{1,3}$/.test(text)) {
    const n = Number(text);
    if (n <= max) return n;
    throw notFound(input, family);
  }
  const mask =
    family === 'ipv4'
      ? isIPv4(text)
        ? ipaddr.IPv4.parse(text).prefixLengthFromSubnetMask()
        : null
      : isIPv6(text)
        ? ipaddr.IPv6.parse(text).prefixLengthFromSubnetMask()
        : null;
  if (mask !== null) return mask;
  throw notFound(input, family);
}

/**
 * `172.18.0.66/32` → `172.18.0.66` and `0.0.0.0/0` for any, as `iptables -L -n` prints
 * (`fd00::2/128` → `fd00::2` and `::/0` for ip6tables).
 */
export function listingAddress(cidr: string | undefined, family: Family = 'ipv4'): string {
  if (family === 'ipv6') {
    if (cidr === undefined) return '::/0';
    return cidr.endsWith('/128') ? cidr.slice(0, -4) : cidr;
  }
  if (cidr === undefined) return '0.0.0.0/0';
  return cidr.endsWith('/32') ? cidr.slice(0, -3) : cidr;
}
