/**
 * IPv6 addresses as 128-bit bigints, parsed with ipaddr.js and printed as the kernel's
 * tools print them: ip6tables-save, `ip6tables -L -n` and `nft list ruleset` all go
 * through glibc's inet_ntop, so the text is glibc's (RFC 5952 compression, lower case,
 * and the embedded-IPv4 forms `::ffff:1.2.3.4` / `::1.2.3.4` that ipaddr.js would not print).
 */
import ipaddr from 'ipaddr.js';
import { echo } from '../echo.ts';
import { AddressError } from './error.ts';
import { isIPv4, parseIPv4 } from './ipv4.ts';

/**
 * The text with a dotted IPv4 tail rewritten as two hex words, or undefined when the tail
 * is no IPv4 address. ipaddr.js reads every dotted tail as IPv4-mapped (`::1.2.3.4` as
 * `::ffff:1.2.3.4`); inet_pton keeps the words as written, so the tail is ours to read.
 */
function hexTail(text: string): string | undefined {
  if (!text.includes('.')) return text;
  const colon = text.lastIndexOf(':');
  const tail = text.slice(colon + 1);
  if (colon < 0 || !isIPv4(tail)) return undefined;
  const n = parseIPv4(tail);
  return `${text.slice(0, colon + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
}

/** Is `text` an IPv6 address inet_pton would take (no zone index: the tools refuse "%eth0")? */
export function isIPv6(text: string): boolean {
  if (text.includes('%')) return false;
  const hex = hexTail(text);
  return hex !== undefined && ipaddr.IPv6.isValid(hex);
}

// Flows are run thousands of times a second (the bench): remember parsed addresses.
const parsed = new Map<string, bigint>();

/** Parses an IPv6 address to a bigint; throws AddressError naming the text. */
export function parseIPv6(text: string): bigint {
  const known = parsed.get(text);
  if (known !== undefined) return known;
  if (!isIPv6(text)) {
    throw new AddressError(text, `"${echo(text)}" is not an IPv6 address (expected e.g. fd00::1)`);
  }
  let value = 0n;
  for (const word of ipaddr.IPv6.parse(hexTail(text) as string).parts) value = (value << 16n) | BigInt(word);
  if (parsed.size > 100_000) parsed.clear();
  parsed.set(text, value);
  return value;
}

/** The eight 16-bit words of an address, most significant first. */
export function ipv6Words(value: bigint): number[] {
  const words: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) words.push(Number((value >> shift) & 0xffffn));
  return words;
}

/** The longest run of two or more zero words (the first of equal runs), as inet_ntop picks it. */
function longestZeroRun(words: readonly number[]): { base: number; len: number } {
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      cur = cur.base === -1 ? { base: i, len: 1 } : { base: cur.base, len: cur.len + 1 };
      if (cur.len > best.len) best = cur;
    } else {
      cur = { base: -1, len: 0 };
    }
  }
  return best.len < 2 ? { base: -1, len: 0 } : best;
}

/** A bigint as glibc's inet_ntop prints it: `fd00::1`, `::`, `::ffff:172.17.0.2`. */
export function formatIPv6(value: bigint): string {
  const words = ipv6Words(value);
  const best = longestZeroRun(words);
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best.base !== -1 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    // An IPv4-compatible (::a.b.c.d) or IPv4-mapped (::ffff:a.b.c.d) address keeps its dotted tail.
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff))) {
      const w6 = words[6] as number;
      const w7 = words[7] as number;
      out += `${w6 >> 8}.${w6 & 255}.${w7 >> 8}.${w7 & 255}`;
      return out;
    }
    out += (words[i] as number).toString(16);
  }
  if (best.base !== -1 && best.base + best.len === 8) out += ':';
  return out;
}

/** The largest IPv6 address, all ones. */
export const IPV6_MAX = (1n << 128n) - 1n;
