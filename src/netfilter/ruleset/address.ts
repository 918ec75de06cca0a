/**
 * Address canonicalisation, as iptables prints `-s`/`-d`: network/prefix with the host
 * bits cleared (`172.17.0.1/16` → `172.17.0.0/16`), `/32` kept for a single host, and
 * "any" (`0/0`, `0.0.0.0/0`) reported as undefined because iptables-save omits it.
 */
import ipaddr from 'ipaddr.js';

export class AddressError extends Error {
  constructor(readonly input: string) {
    super(
      `host/network "${input}" not found (nettwin does not resolve names: write an IPv4 address or CIDR)`,
    );
    this.name = 'AddressError';
  }
}

/** Returns canonical "a.b.c.d/n", or undefined for the any-address 0.0.0.0/0. */
export function canonicalCidr(input: string): string | undefined {
  const slash = input.indexOf('/');
  const hostPart = slash < 0 ? input : input.slice(0, slash);
  const maskPart = slash < 0 ? undefined : input.slice(slash + 1);
  const address = parseIPv4(hostPart, input);
  const prefix = maskPart === undefined ? 32 : parsePrefix(maskPart, input);
  if (prefix === 0) return undefined;
  const bytes = address.toByteArray();
  const value =
    ((bytes[0] ?? 0) * 2 ** 24 + (bytes[1] ?? 0) * 2 ** 16 + (bytes[2] ?? 0) * 2 ** 8 + (bytes[3] ?? 0)) >>>
    0;
  const mask = prefix === 32 ? 0xffffffff : (0xffffffff << (32 - prefix)) >>> 0;
  const network = (value & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (network >>> s) & 255).join('.')}/${prefix}`;
}

function parseIPv4(text: string, input: string): ipaddr.IPv4 {
  // iptables (inet_aton) reads a lone "0" as 0.0.0.0: `-s 0/0` is common in old scripts.
  if (text === '0') return ipaddr.IPv4.parse('0.0.0.0');
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) throw new AddressError(input);
  return ipaddr.IPv4.parse(text);
}

function parsePrefix(text: string, input: string): number {
  if (/^\d{1,2}$/.test(text)) {
    const n = Number(text);
    if (n <= 32) return n;
    throw new AddressError(input);
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    const prefix = ipaddr.IPv4.parse(text).prefixLengthFromSubnetMask();
    if (prefix !== null) return prefix;
  }
  throw new AddressError(input);
}

/** `172.18.0.66/32` → `172.18.0.66` and `0.0.0.0/0` for any, as `iptables -L -n` prints. */
export function listingAddress(cidr: string | undefined): string {
  if (cidr === undefined) return '0.0.0.0/0';
  return cidr.endsWith('/32') ? cidr.slice(0, -3) : cidr;
}
