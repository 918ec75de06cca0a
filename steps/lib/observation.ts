/**
 * What the World keeps of one traffic step: the backend's Observation (outcome, counters
 * on every framework, path, and on twin the model's side and the verdict), with the
 * step's words around it for messages and the report.
 */
import type {
  Observation as BackendObservation,
  DatagramResult,
  PingResult,
  RequestResult,
  TwinObservation,
} from '../../src/backends/backend.ts';
import {
  type HostCounters,
  iptablesCountersOf,
  type NftCounterRow,
  nftCountersOf,
} from '../../src/netfilter/firewall-state.ts';
import type { PathStep } from '../../src/netfilter/host-types.ts';
import type { CounterDelta } from '../../src/netfilter/types.ts';

export type TrafficKind = 'ping' | 'http' | 'tcp' | 'udp';

/** What a traffic step's send returns: one backend Observation, named by what it carries. */
export type Sent =
  | { ping: BackendObservation<PingResult> }
  | { request: BackendObservation<RequestResult & { seenSource?: string }> }
  | { datagram: BackendObservation<DatagramResult> };

/** What one traffic step saw: its outcome and the counter deltas it caused. */
export interface Observation {
  kind: TrafficKind;
  /** e.g. `"test1" pings 172.30.0.2 3 times`. */
  description: string;
  ping?: PingResult;
  request?: RequestResult & { seenSource?: string };
  /** A UDP datagram: did a listener receive it, and from which source. */
  datagram?: DatagramResult;
  /** The traffic step itself failed (e.g. a name that does not resolve). */
  error?: Error;
  /** Every framework's deltas, as the backend read them (the real host's on twin). */
  hostCounters: HostCounters;
  /** iptables-nft's rows of hostCounters: what `rule "-A …" counted` names. */
  counters: CounterDelta[];
  /** Native nft rules' rows of hostCounters: what `inet filter forward: …` names. */
  nftCounters: NftCounterRow[];
  /** Twin only: the model's side of the same step and the verdict, judged once. */
  twin?: TwinObservation;
  path?: PathStep[];
  /** Set until the AfterStep hook has attached path and counters to the report. */
  unreported: boolean;
}

/** The World's record of a step the backend observed. */
export function recordSent(kind: TrafficKind, description: string, sent: Sent): Observation {
  const seen: BackendObservation<unknown> =
    'ping' in sent ? sent.ping : 'request' in sent ? sent.request : sent.datagram;
  return {
    kind,
    description,
    ...('ping' in sent ? { ping: sent.ping.outcome } : {}),
    ...('request' in sent ? { request: sent.request.outcome } : {}),
    ...('datagram' in sent ? { datagram: sent.datagram.outcome } : {}),
    ...countersOf(seen.counters),
    ...(seen.twin ? { twin: seen.twin } : {}),
    ...(seen.path ? { path: seen.path } : {}),
    unreported: true,
  };
}

/** A step that failed before it saw anything (its error is what the next step asserts on). */
export function recordFailure(
  kind: TrafficKind,
  description: string,
  error: Error,
  counters: HostCounters,
): Observation {
  return { kind, description, error, ...countersOf(counters), unreported: true };
}

function countersOf(
  hostCounters: HostCounters,
): Pick<Observation, 'hostCounters' | 'counters' | 'nftCounters'> {
  return {
    hostCounters,
    counters: iptablesCountersOf(hostCounters),
    nftCounters: nftCountersOf(hostCounters),
  };
}
