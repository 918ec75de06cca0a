/**
 * The values nft rules compare with, read once per element: interface names (a trailing
 * `*` is a prefix wildcard), IPv4 addresses, prefixes and ranges, ports and port ranges,
 * protocols, conntrack states, ICMP types. Each element becomes the span of keys it
 * covers (one value, an interval, a name prefix), which is what the kernel stores in a
 * set: set-lookup.ts then finds a key by hash or by interval, never by a scan. An element
 * nettwin cannot read is an error naming it, never a silent non-match.
 */
import { parseCidr, parseCidr6, parseIPv4, parseIPv6 } from '../address/index.ts';

export class NftValueError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'NftValueError';
  }
}

/** A key as a packet field gives it: a string (interface, protocol, state) or a number. */
export type Scalar = string | number | bigint;

/** The keys one element covers (or, in a concatenation, one part of it). */
export type KeySpan =
  | { kind: 'exact'; value: Scalar }
  /** Inclusive bounds: an address prefix or range, a port range. */
  | { kind: 'range'; low: number | bigint; high: number | bigint }
  /** An interface name wildcard, `"br-*"`. */
  | { kind: 'prefix'; prefix: string }
  /** A concatenation `a . b`: each part's spans (usually one). */
  | { kind: 'tuple'; parts: KeySpan[][] }
  /** Covers nothing the twin's packets can carry (`sctp`, an IPv6 address). */
  | { kind: 'none' };

/** Reads one element's text into the spans it covers. */
export type SpanParser = (text: string) => KeySpan[];

const exact = (value: Scalar): KeySpan[] => [{ kind: 'exact', value }];

function unquote(text: string): string {
  return text.startsWith('"') && text.endsWith('"') && text.length >= 2 ? text.slice(1, -1) : text;
}

/** `"docker0"`, `docker0`, `"br-*"` (prefix). */
export function interfaceSpans(text: string): KeySpan[] {
  const name = unquote(text);
  if (name.endsWith('*') && !name.endsWith('\\*')) return [{ kind: 'prefix', prefix: name.slice(0, -1) }];
  return exact(name);
}

/** `172.17.0.2`, `172.17.0.0/16`, `10.0.0.1-10.0.0.9`. */
export function ipv4Spans(text: string): KeySpan[] {
  try {
    const range = /^([0-9.]+)-([0-9.]+)$/.exec(text);
    if (range) {
      return [{ kind: 'range', low: parseIPv4(range[1] as string), high: parseIPv4(range[2] as string) }];
    }
    if (text.includes('/')) {
      const cidr = parseCidr(text);
      return [{ kind: 'range', low: cidr.network, high: (cidr.network | ~cidr.mask) >>> 0 }];
    }
    return exact(parseIPv4(text));
  } catch {
    throw new NftValueError(`"${text}" is not an IPv4 address, prefix or range`);
  }
}

/** `fd30::2`, `fd30::/64`, `fd30::1-fd30::9`: IPv6 keys are bigints. */
export function ipv6Spans(text: string): KeySpan[] {
  try {
    const range = /^([0-9a-fA-F:.]+)-([0-9a-fA-F:.]+)$/.exec(text);
    if (range) {
      return [{ kind: 'range', low: parseIPv6(range[1] as string), high: parseIPv6(range[2] as string) }];
    }
    if (text.includes('/')) {
      const cidr = parseCidr6(text);
      return [{ kind: 'range', low: cidr.network, high: cidr.network | (~cidr.mask & ((1n << 128n) - 1n)) }];
    }
    return exact(parseIPv6(text));
  } catch {
    throw new NftValueError(`"${text}" is not an IPv6 address, prefix or range`);
  }
}

/** Service names nft may print (`nft -S`) for the ports Docker hosts meet. */
const SERVICES: Readonly<Record<string, number>> = {
  ssh: 22,
  domain: 53,
  http: 80,
  https: 443,
  'http-alt': 8080,
  bootps: 67,
  bootpc: 68,
  ntp: 123,
};

function port(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : SERVICES[text];
  if (n === undefined || n > 65535) throw new NftValueError(`"${text}" is not a port`);
  return n;
}

/** `80`, `1000-2000`, `http`. */
export function portSpans(text: string): KeySpan[] {
  const range = /^([^-]+)-([^-]+)$/.exec(text);
  if (range) return [{ kind: 'range', low: port(range[1] as string), high: port(range[2] as string) }];
  return exact(port(text));
}

const PROTOCOLS: Readonly<Record<string, string>> = {
  icmp: 'icmp',
  tcp: 'tcp',
  udp: 'udp',
  'ipv6-icmp': 'icmpv6',
  icmpv6: 'icmpv6',
  '1': 'icmp',
  '6': 'tcp',
  '17': 'udp',
  '58': 'icmpv6',
};

/** `tcp`, `6`, `ipv6-icmp`; names of protocols the twin never sends (`sctp`) cover nothing. */
export function protocolSpans(text: string): KeySpan[] {
  const name = PROTOCOLS[text];
  if (name !== undefined) return exact(name);
  if (/^[a-z0-9-]+$/.test(text)) return [{ kind: 'none' }];
  throw new NftValueError(`"${text}" is not a protocol`);
}

const CT_STATES = new Set(['new', 'established', 'related', 'invalid', 'untracked']);

/** `established`, or a listing's bit list `established,related` (one span per state). */
export function ctStateSpans(text: string): KeySpan[] {
  return text.split(',').map((state) => {
    if (!CT_STATES.has(state)) throw new NftValueError(`"${state}" is not a conntrack state`);
    return { kind: 'exact', value: state };
  });
}

const ICMP_TYPES: Readonly<Record<string, number>> = {
  'echo-reply': 0,
  'destination-unreachable': 3,
  'source-quench': 4,
  redirect: 5,
  'echo-request': 8,
  'time-exceeded': 11,
  'parameter-problem': 12,
};

const ICMPV6_TYPES: Readonly<Record<string, number>> = {
  'destination-unreachable': 1,
  'packet-too-big': 2,
  'time-exceeded': 3,
  'parameter-problem': 4,
  'echo-request': 128,
  'echo-reply': 129,
  'mld-listener-query': 130,
  'mld-listener-report': 131,
  'mld-listener-done': 132,
  'nd-router-solicit': 133,
  'nd-router-advert': 134,
  'nd-neighbor-solicit': 135,
  'nd-neighbor-advert': 136,
  'nd-redirect': 137,
  'mld2-listener-report': 143,
};

export function icmpv6TypeSpans(text: string): KeySpan[] {
  const n = /^\d+$/.test(text) ? Number(text) : ICMPV6_TYPES[text];
  if (n === undefined || n > 255) throw new NftValueError(`"${text}" is not an ICMPv6 type`);
  return exact(n);
}

export function icmpTypeSpans(text: string): KeySpan[] {
  const n = /^\d+$/.test(text) ? Number(text) : ICMP_TYPES[text];
  if (n === undefined || n > 255) throw new NftValueError(`"${text}" is not an ICMP type`);
  return exact(n);
}

/** A concatenated element `10.0.0.1 . 80`, each part read by its own field's parser. */
export function tupleSpans(parsers: readonly SpanParser[]): SpanParser {
  return (text) => {
    const parts = text.split(/\s+\.\s+/);
    if (parts.length !== parsers.length) {
      throw new NftValueError(`"${text}" has ${parts.length} parts; the key has ${parsers.length}`);
    }
    return [{ kind: 'tuple', parts: parts.map((part, i) => (parsers[i] as SpanParser)(part)) }];
  };
}

/** Does `span` cover the key `v` (a scalar, or the parts of a concatenation)? */
export function covers(span: KeySpan, v: Scalar | readonly Scalar[]): boolean {
  switch (span.kind) {
    case 'exact':
      return span.value === v;
    case 'range':
      return (
        (typeof v === 'number' || typeof v === 'bigint') &&
        typeof v === typeof span.low &&
        v >= span.low &&
        v <= span.high
      );
    case 'prefix':
      return typeof v === 'string' && v.startsWith(span.prefix);
    case 'tuple':
      return (
        Array.isArray(v) &&
        span.parts.length === v.length &&
        span.parts.every((alternatives, i) => alternatives.some((s) => covers(s, v[i] as Scalar)))
      );
    case 'none':
      return false;
  }
}
