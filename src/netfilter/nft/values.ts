/**
 * The values nft rules compare with, read once per rule: interface names (a trailing `*`
 * is a prefix wildcard), IPv4 addresses, prefixes and ranges, ports and port ranges,
 * protocols, conntrack states, ICMP types. An element nettwin cannot read is an error
 * naming it, never a silent non-match.
 */
import { parseCidr, parseIPv4 } from '../path/ipv4.ts';

export class NftValueError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'NftValueError';
  }
}

/** A predicate on one field value. */
export type Element<T> = (value: T) => boolean;

function unquote(text: string): string {
  return text.startsWith('"') && text.endsWith('"') && text.length >= 2 ? text.slice(1, -1) : text;
}

/** `"docker0"`, `docker0`, `"br-*"` (prefix). */
export function interfaceElement(text: string): Element<string> {
  const name = unquote(text);
  if (name.endsWith('*') && !name.endsWith('\\*')) {
    const prefix = name.slice(0, -1);
    return (dev) => dev.startsWith(prefix);
  }
  return (dev) => dev === name;
}

/** `172.17.0.2`, `172.17.0.0/16`, `10.0.0.1-10.0.0.9`. */
export function ipv4Element(text: string): Element<number> {
  try {
    const range = /^([0-9.]+)-([0-9.]+)$/.exec(text);
    if (range) {
      const low = parseIPv4(range[1] as string);
      const high = parseIPv4(range[2] as string);
      return (a) => a >= low && a <= high;
    }
    if (text.includes('/')) {
      const cidr = parseCidr(text);
      return (a) => (a & cidr.mask) >>> 0 === cidr.network;
    }
    const address = parseIPv4(text);
    return (a) => a === address;
  } catch {
    throw new NftValueError(`"${text}" is not an IPv4 address, prefix or range`);
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
export function portElement(text: string): Element<number> {
  const range = /^([^-]+)-([^-]+)$/.exec(text);
  if (range) {
    const low = port(range[1] as string);
    const high = port(range[2] as string);
    return (p) => p >= low && p <= high;
  }
  const value = port(text);
  return (p) => p === value;
}

const PROTOCOLS: Readonly<Record<string, string>> = {
  icmp: 'icmp',
  tcp: 'tcp',
  udp: 'udp',
  '1': 'icmp',
  '6': 'tcp',
  '17': 'udp',
};

/** `tcp`, `6`; names of protocols the twin never sends (`ipv6-icmp`, `sctp`) match nothing. */
export function protocolElement(text: string): Element<string> {
  const name = PROTOCOLS[text];
  if (name !== undefined) return (p) => p === name;
  if (/^[a-z0-9-]+$/.test(text)) return () => false;
  throw new NftValueError(`"${text}" is not a protocol`);
}

const CT_STATES = new Set(['new', 'established', 'related', 'invalid', 'untracked']);

/** `established`; a listing's `established,related` is split by the caller. */
export function ctStateElement(text: string): Element<string> {
  if (!CT_STATES.has(text)) throw new NftValueError(`"${text}" is not a conntrack state`);
  return (state) => state === text;
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

export function icmpTypeElement(text: string): Element<number> {
  const n = /^\d+$/.test(text) ? Number(text) : ICMP_TYPES[text];
  if (n === undefined || n > 255) throw new NftValueError(`"${text}" is not an ICMP type`);
  return (t) => t === n;
}

/** The elements of a value: a literal, an anonymous set, or a named set's keys. */
export function anyOf<T>(texts: readonly string[], element: (text: string) => Element<T>): Element<T> {
  const tests = texts.map(element);
  return (v) => tests.some((t) => t(v));
}
