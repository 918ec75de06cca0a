/**
 * Packet and byte counters are u64 in the kernel; a Number is exact only up to 2^53.
 * `Counters.packets/bytes` stay Numbers for everyone who compares and adds small deltas;
 * a value above 2^53 read from a dump also keeps its exact BigInt in `Counters.exact`,
 * which printing uses and adding keeps up to date. Values above 2^64-1 cannot come from
 * a kernel and are refused.
 */
import type { Counters } from '../types.ts';

export const MAX_COUNTER = 2n ** 64n - 1n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A decimal counter value, exactly; undefined when it is not one (digits only, at most 2^64-1). */
export function parseCounterValue(text: string): bigint | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const digits = text.replace(/^0+(?=\d)/, '');
  // No BigInt of a megabyte of digits: past 20 digits it is too big anyway.
  if (digits.length > 20) return undefined;
  const value = BigInt(digits);
  return value <= MAX_COUNTER ? value : undefined;
}

/** What strtoull makes of a decimal (iptables -c): values past 2^64-1 saturate. */
export function saturatingCounterValue(text: string): bigint {
  return parseCounterValue(text) ?? MAX_COUNTER;
}

/** Counters with these exact values (`exact` set only when a Number would round). */
export function exactCounters(packets: bigint, bytes: bigint): Counters {
  const counters: Counters = { packets: Number(packets), bytes: Number(bytes) };
  if (packets > SAFE || bytes > SAFE) counters.exact = { packets, bytes };
  return counters;
}

/** The exact packet count. */
export function exactPackets(c: Counters): bigint {
  return c.exact?.packets ?? BigInt(c.packets);
}

/** The exact byte count. */
export function exactBytes(c: Counters): bigint {
  return c.exact?.bytes ?? BigInt(c.bytes);
}

/** `[packets:bytes]` exactly, as iptables-save -c prints it. */
export function formatCounters(c: Counters): string {
  return c.exact ? `[${c.exact.packets}:${c.exact.bytes}]` : `[${c.packets}:${c.bytes}]`;
}

/**
 * Adds to counters in place, as a matching rule does. u64 arithmetic: a counter at
 * 2^64-1 wraps to 0 as the kernel's does.
 */
export function addToCounters(c: Counters, packets: number, bytes: number): void {
  if (
    !c.exact &&
    c.packets + packets <= Number.MAX_SAFE_INTEGER &&
    c.bytes + bytes <= Number.MAX_SAFE_INTEGER
  ) {
    c.packets += packets;
    c.bytes += bytes;
    return;
  }
  const next = exactCounters(
    (exactPackets(c) + BigInt(packets)) & MAX_COUNTER,
    (exactBytes(c) + BigInt(bytes)) & MAX_COUNTER,
  );
  c.packets = next.packets;
  c.bytes = next.bytes;
  if (next.exact) c.exact = next.exact;
  else delete c.exact;
}
