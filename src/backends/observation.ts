/**
 * What one traffic step saw, as every backend returns it: the outcome (did the ping
 * arrive, what did the server answer), the counter deltas on every firewall framework
 * the host has, and the packet path. The twin fills in the model's side of the same step
 * and its comparison, made once, so steps and the report read the verdict instead of
 * judging again.
 */
import type { CounterComparison, CounterRowInput } from '../compare/counter-compare.ts';
import type { HostCounters } from '../netfilter/firewall-state.ts';
import type { PathStep } from '../netfilter/host-types.ts';

export interface Observation<R> {
  outcome: R;
  /** Deltas of this step (counters are zeroed before it): the real host's on dind and twin. */
  counters: HostCounters;
  /** The model's packet path (model and twin backends). */
  path?: PathStep[];
  /** Twin only: the model's side of the same step. */
  twin?: TwinObservation;
}

export interface TwinObservation {
  /**
   * The model's deltas as the real ones were compared with: its prediction, plus the
   * timing-dependent packets (a second ACK) the real kernel was found to send.
   */
  counters: CounterRowInput[];
  /** Real vs model on every framework, judged once (src/compare/host-counters.ts). */
  comparison: CounterComparison;
  /** Only the timing-dependent packets' deltas; empty when the real kernel sent none. */
  timingExtra: CounterRowInput[];
}
