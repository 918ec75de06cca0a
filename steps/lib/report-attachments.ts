/**
 * Puts what a traffic step saw into the HTML report: the packet path as SVG and the
 * counter deltas as a table. The renderers live in src/report/ and are imported lazily;
 * until they exist the same facts are attached as plain text.
 */
import type { IWorld } from '@cucumber/cucumber';
import type { PathStep } from '../../src/netfilter/host-types.ts';
import type { CounterDelta } from '../../src/netfilter/types.ts';
import { describeDeltas } from './rule-lines.ts';

interface Attachable {
  attach: IWorld['attach'];
}

interface ObservationLike {
  description: string;
  counters: CounterDelta[];
  modelCounters?: CounterDelta[];
  path?: PathStep[];
}

async function optionalRenderer<T>(path: string, name: string): Promise<T | undefined> {
  try {
    const module = (await import(path)) as Record<string, unknown>;
    return typeof module[name] === 'function' ? (module[name] as T) : undefined;
  } catch (cause) {
    if ((cause as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw cause;
  }
}

/** Plain-text packet path, one line per step of the trace. */
export function describePath(path: readonly PathStep[]): string {
  return path
    .map((s) => {
      const where = s.table && s.chain ? ` ${s.table}/${s.chain}${s.rule ? ` #${s.rule}` : ''}` : '';
      return `#${s.packet} ${s.direction} ${s.src} > ${s.dst} [${s.kind}${where}] ${s.text}`;
    })
    .join('\n');
}

export async function attachObservation(world: Attachable, o: ObservationLike): Promise<void> {
  if (o.path && o.path.length > 0) {
    const renderPathSvg = await optionalRenderer<(path: PathStep[]) => string>(
      '../../src/report/path-svg.ts',
      'renderPathSvg',
    );
    if (renderPathSvg) await world.attach(renderPathSvg(o.path), 'image/svg+xml');
    else await world.attach(`Packet path of ${o.description}\n${describePath(o.path)}`, 'text/plain');
  }
  const renderCounterTable = await optionalRenderer<(d: CounterDelta[], m?: CounterDelta[]) => string>(
    '../../src/report/counter-table.ts',
    'renderCounterTable',
  );
  if (renderCounterTable) await world.attach(renderCounterTable(o.counters, o.modelCounters), 'text/html');
  else await world.attach(`Counter deltas of ${o.description}\n${describeDeltas(o.counters)}`, 'text/plain');
}
