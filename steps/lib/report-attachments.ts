/**
 * Puts what a traffic step saw into the HTML report: the packet path as SVG and the
 * counter deltas as a table (real beside model on the twin backend), judged with the
 * same exactness as `the counters match the model`.
 */
import type { IWorld } from '@cucumber/cucumber';
import { HTTP_BYTE_TOLERANCE } from '../../src/backends/model-http.ts';
import type { CounterCompareOptions } from '../../src/compare/counter-compare.ts';
import type { PathStep } from '../../src/netfilter/host-types.ts';
import type { CounterDelta } from '../../src/netfilter/types.ts';
import { renderCounterTable } from '../../src/report/counter-table.ts';
import { renderPathSvg } from '../../src/report/path-svg.ts';

interface Attachable {
  attach: IWorld['attach'];
}

interface ObservationLike {
  kind: 'ping' | 'http' | 'tcp';
  description: string;
  counters: CounterDelta[];
  modelCounters?: CounterDelta[];
  timingExtra?: CounterDelta[];
  path?: PathStep[];
}

/** The exactness a step's traffic is judged with (DESIGN.md "Counter exactness"). */
export function counterOptionsFor(kind: ObservationLike['kind']): CounterCompareOptions {
  if (kind === 'ping') return { protocol: 'icmp' };
  return { protocol: 'tcp', byteTolerance: kind === 'http' ? HTTP_BYTE_TOLERANCE : 0 };
}

export async function attachObservation(world: Attachable, o: ObservationLike): Promise<void> {
  if (o.path && o.path.length > 0) await world.attach(renderPathSvg(o.path), 'image/svg+xml');
  const extra =
    o.timingExtra && o.timingExtra.length > 0 ? Math.max(...o.timingExtra.map((d) => d.packets)) : 0;
  const note =
    extra > 0
      ? `The real client sent ${extra} more ACK${extra > 1 ? 's' : ''} than the model's flow (delayed ACKs are timing); the model columns include ${extra > 1 ? 'them' : 'it'}.`
      : undefined;
  await world.attach(
    renderCounterTable(o.counters, o.modelCounters, counterOptionsFor(o.kind), note),
    'text/html',
  );
}
