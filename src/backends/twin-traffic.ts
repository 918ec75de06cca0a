/**
 * One traffic step judged on both sides at once: connectivity, and every framework's
 * counters in one comparison (src/compare/host-counters.ts), with the timing variations
 * the model allows. A disagreement is a TwinMismatchError; agreement gives the real
 * observation with the model's side and the verdict, so nothing judges the step again.
 */
import { type ConnectivityDifference, compareConnectivity } from '../compare/connectivity.ts';
import type { CounterCompareOptions } from '../compare/counter-compare.ts';
import { compareHostCounters, counterRows } from '../compare/host-counters.ts';
import type { FlowResult } from '../netfilter/host-types.ts';
import type { DatagramResult, Observation } from './backend.ts';
import { TwinMismatchError } from './twin-mismatch.ts';

export function judgeTraffic<R extends { path?: Observation<R>['path'] }>(
  action: string,
  sides: { real: Observation<R>; model: Observation<R>; flow: FlowResult | undefined },
  connectivity: (real: R, model: R) => ConnectivityDifference[],
  counterOptions: CounterCompareOptions,
): Observation<R> {
  const { real, model, flow } = sides;
  const diff = connectivity(real.outcome, model.outcome);
  const variations = flow?.variations;
  const comparison = compareHostCounters(real.counters, model.counters, {
    ...counterOptions,
    ...(variations ? { variations } : {}),
  });
  if (diff.length > 0 || !comparison.equal) {
    throw new TwinMismatchError({
      action,
      connectivity: diff,
      counters: comparison,
      counterOptions,
      realCounters: counterRows(real.counters),
      modelCounters: counterRows(model.counters),
      ...(flow ? { flow } : {}),
    });
  }
  const path = model.path;
  return {
    outcome: { ...real.outcome, ...(path ? { path } : {}) },
    counters: real.counters,
    ...(path ? { path } : {}),
    twin: {
      // Later assertions of the step compare with what the real kernel was matched against.
      counters: comparison.variationCounters ?? counterRows(model.counters),
      comparison,
      timingExtra: comparison.variationExtra ?? [],
    },
  };
}

/**
 * "ok": a listener received it; "timeout": none did (lost, or refused with an ICMP error
 * the sender never reads). Which container received it counts too.
 */
export function datagramConnectivity(real: DatagramResult, model: DatagramResult): ConnectivityDifference[] {
  const seen = (d: DatagramResult) => ({
    outcome: d.arrived ? ('ok' as const) : ('timeout' as const),
    ...(d.arrived ? { seenSource: d.seenSource } : {}),
  });
  const diff = compareConnectivity(seen(real), seen(model));
  if (real.arrived && model.arrived && real.receiver !== model.receiver) {
    diff.push({ field: 'seenSource', real: `${real.receiver} saw it`, model: `${model.receiver} saw it` });
  }
  return diff;
}
