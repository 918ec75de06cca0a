/**
 * Records the packet path (PathStep list) and the counter deltas of one flow.
 * Counters are mutated in the ruleset as the kernel would; the recorder keeps the
 * deltas so a result can list exactly what moved.
 */

import type { FlowResult, PathStep } from '../host-types.ts';
import { addToCounters } from '../ruleset/counters.ts';
import type { CounterDelta, Counters, TableName } from '../types.ts';
import { formatIp, type Ip } from './ip.ts';
import type { Packet } from './packet.ts';

export class CounterRecorder {
  private readonly deltas = new Map<Counters, CounterDelta & { order: number }>();

  constructor(private readonly orderOf: (table: TableName, chain: string) => number) {}

  count(
    table: TableName,
    chain: string,
    rule: number,
    counters: Counters,
    bytes: number,
    text: string,
  ): void {
    // Exact past 2^53: a dump's counters may start anywhere up to 2^64-1.
    addToCounters(counters, 1, bytes);
    let delta = this.deltas.get(counters);
    if (!delta) {
      delta = { table, chain, rule, packets: 0, bytes: 0, text, order: this.orderOf(table, chain) };
      this.deltas.set(counters, delta);
    }
    delta.packets += 1;
    delta.bytes += bytes;
  }

  /** Deltas in ruleset order: table, chain, then policy (0) before rules. */
  list(): CounterDelta[] {
    return [...this.deltas.values()]
      .sort((a, b) => a.order - b.order || a.rule - b.rule)
      .map(({ order: _order, ...delta }) => delta);
  }
}

export class PathTracer {
  readonly steps: PathStep[] = [];
  packet = 0;
  direction: 'request' | 'reply' = 'request';

  constructor(readonly enabled: boolean) {}

  /** Starts the next packet of the flow. */
  begin(direction: 'request' | 'reply'): void {
    this.packet += 1;
    this.direction = direction;
  }

  /** Addresses formatted once per flow: a flow meets a handful, at every step. */
  private readonly names = new Map<Ip, string>();

  private name(address: Ip): string {
    let text = this.names.get(address);
    if (text === undefined) {
      text = formatIp(address);
      this.names.set(address, text);
    }
    return text;
  }

  step(p: Packet, kind: PathStep['kind'], text: string, extra?: Partial<PathStep>): void {
    if (!this.enabled) return;
    this.steps.push({
      packet: this.packet,
      direction: this.direction,
      src: this.name(p.saddr),
      dst: this.name(p.daddr),
      kind,
      text,
      ...extra,
    });
  }
}

export type { FlowResult };
