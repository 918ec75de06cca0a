/**
 * Optional backend capabilities the steps use when a backend offers them. They are
 * beyond the `Backend` contract (src/backends/backend.ts), so the steps detect them by
 * shape and say clearly which method is missing when a scenario needs one.
 */
import type { Actor, PingResult } from '../../src/backends/backend.ts';
import type { HostInterface, Neighbour, Route } from '../../src/netfilter/host-types.ts';
import type { CounterDelta, Ruleset } from '../../src/netfilter/types.ts';

/** A host that is not built by Docker: a replayed production dump, or a plain Linux router. */
export interface StandaloneHostSpec {
  /** iptables-save text (may be empty: no rules, ACCEPT policies). */
  rulesetText: string;
  /** Where the text came from, for error messages. */
  file?: string;
  interfaces: HostInterface[];
  routes: Route[];
  sysctls: Record<string, string>;
  /** Hosts behind the interfaces (a container on a bridge, a netns behind a veth). */
  neighbours: Neighbour[];
}

export interface TwinCapabilities {
  /** Twin: the model's counter deltas for the same step as the last readCounters(). */
  modelCounters(): Promise<CounterDelta[]> | CounterDelta[];
  /** Twin: the model's ruleset, to compare with readRuleset(). */
  modelRuleset(): Promise<Ruleset> | Ruleset;
}

export interface StandaloneHostCapabilities {
  /** Model: build a HostState; dind: `iptables-restore` + interfaces/netns on a fresh host. */
  loadStandaloneHost(spec: StandaloneHostSpec): Promise<void>;
  /** ICMP echo from a neighbour address (or a local address) of that host. */
  pingFromAddress(from: string, to: string, count: number): Promise<PingResult>;
}

export interface NameResolutionCapabilities {
  /**
   * Ping a container by name, resolved by the sender's own resolver (Docker's embedded
   * DNS answers only on user-defined networks). Rejects when the name does not resolve,
   * with the resolver's words (the real engine: "ping: bad address 'test2'").
   */
  pingByName(from: Actor, name: string, count: number): Promise<PingResult>;
}

export function hasMethod<K extends string>(
  value: unknown,
  name: K,
): value is Record<K, (...args: never[]) => unknown> {
  return typeof (value as Record<string, unknown> | null)?.[name] === 'function';
}
