/**
 * What only the twin backend offers beyond the `Backend` contract
 * (src/backends/backend.ts): the model's side of the last observation. Steps detect it
 * by shape and say so when a scenario asks for it on another backend.
 */
import type { CounterDelta, Ruleset } from '../../src/netfilter/types.ts';

export interface TwinCapabilities {
  /** Twin: the model's counter deltas for the same step as the last readCounters(). */
  modelCounters(): Promise<CounterDelta[]> | CounterDelta[];
  /** Twin: deltas of timing-dependent packets the real kernel sent beyond the model's prediction. */
  timingExtra(): CounterDelta[];
  /** Twin: the model's ruleset, to compare with readRuleset(). */
  modelRuleset(): Promise<Ruleset> | Ruleset;
}

export function hasMethod<K extends string>(
  value: unknown,
  name: K,
): value is Record<K, (...args: never[]) => unknown> {
  return typeof (value as Record<string, unknown> | null)?.[name] === 'function';
}
