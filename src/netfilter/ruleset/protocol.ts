/**
 * Protocol names as iptables prints them (`-p 6` is saved as `-p tcp`), from the
 * numbers in /etc/protocols that iptables knows without a lookup.
 */

const BY_NUMBER: Readonly<Record<number, string>> = {
  1: 'icmp',
  2: 'igmp',
  4: 'ipencap',
  6: 'tcp',
  17: 'udp',
  41: 'ipv6',
  47: 'gre',
  50: 'esp',
  51: 'ah',
  58: 'ipv6-icmp',
  132: 'sctp',
  136: 'udplite',
};

const BY_NAME: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(BY_NUMBER).map(([n, name]) => [name, Number(n)]),
);

export class ProtocolError extends Error {
  constructor(readonly input: string) {
    super(`unknown protocol "${input}" specified`);
    this.name = 'ProtocolError';
  }
}

/**
 * Canonical protocol text, or undefined for "all" / 0 (iptables-save omits `-p all`).
 */
export function canonicalProtocol(input: string): string | undefined {
  const lower = input.toLowerCase();
  if (lower === 'all' || lower === '0') return undefined;
  if (/^\d+$/.test(lower)) {
    const n = Number(lower);
    if (n > 255) throw new ProtocolError(input);
    return BY_NUMBER[n] ?? String(n);
  }
  if (Object.hasOwn(BY_NAME, lower)) return lower;
  if (lower === 'icmpv6') return 'ipv6-icmp';
  throw new ProtocolError(input);
}

/** The protocol number for a canonical name ("tcp" → 6), for the packet path. */
export function protocolNumber(name: string): number | undefined {
  if (/^\d+$/.test(name)) return Number(name);
  return BY_NAME[name];
}
