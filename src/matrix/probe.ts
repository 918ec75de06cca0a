/**
 * Probing the cells of a matrix on any Backend: a ping for ICMP cells, a TCP connection
 * (nc) for TCP, one datagram for UDP. On the model the Observation carries the packet
 * path, which gives each cell its deciding rule (deciding.ts); a real host gives the
 * verdict only. Cells are probed one after another: each traffic step of a Backend
 * zeroes and reads the host's counters, so two at once on one host would mix them.
 */
import type { Actor, Backend } from '../backends/backend.ts';
import type { PathStep } from '../netfilter/host-types.ts';
import { decidingRule, explainPath, undecidedReason } from './deciding.ts';
import type { CellProbe, ProbeSource } from './plan.ts';
import type { Cell, Verdict } from './types.ts';

/** The payload a TCP or UDP probe sends. */
export const PROBE_PAYLOAD = 'nettwin-matrix';

/** What probing needs of a Backend: its three clients (the snapshot prober implements only these). */
export type ProbeBackend = Pick<Backend, 'ping' | 'tcpSend' | 'udpSend'>;

export interface ProbeOptions {
  /** Keep the request's packet path on blocked cells (`--explain`). */
  explain?: boolean;
}

export function actorOf(source: ProbeSource): Actor {
  return source.kind === 'container' ? { kind: 'container', name: source.name } : { kind: source.kind };
}

/**
 * A datagram nobody received: the flow's own outcome when the path states it (the model:
 * "outcome: unreachable"), else refused when an ICMP port unreachable came back, else silence.
 */
function datagramVerdict(arrived: boolean, path: readonly PathStep[] | undefined): Verdict {
  if (arrived) return 'delivered';
  for (const s of path ?? []) {
    const stated = /^outcome: (refused|timeout|unreachable)\b/.exec(s.text)?.[1];
    if (s.kind === 'note' && stated) return stated as Verdict;
  }
  const refused = (path ?? []).some(
    (s) => s.direction === 'reply' && /port[- ]unreachable|rejected/.test(s.text),
  );
  return refused ? 'refused' : 'timeout';
}

export async function probeCell(
  backend: ProbeBackend,
  probe: CellProbe,
  options: ProbeOptions = {},
): Promise<Cell> {
  const actor = actorOf(probe.source);
  let verdict: Verdict;
  let path: PathStep[] | undefined;
  if (probe.proto === 'icmp' || probe.port === null) {
    const o = await backend.ping(actor, probe.address, 1);
    verdict = o.outcome.received > 0 ? 'delivered' : o.outcome.unreachable ? 'unreachable' : 'timeout';
    path = o.path;
  } else if (probe.proto === 'tcp') {
    const o = await backend.tcpSend(actor, probe.address, probe.port, PROBE_PAYLOAD);
    verdict = o.outcome.outcome === 'ok' ? 'delivered' : o.outcome.outcome;
    path = o.path;
  } else {
    const o = await backend.udpSend(actor, probe.address, probe.port, PROBE_PAYLOAD);
    path = o.path;
    verdict = datagramVerdict(o.outcome.arrived, path);
  }
  const cell: Cell = {
    from: probe.from,
    to: probe.to,
    port: probe.port,
    proto: probe.proto,
    verdict,
    rule: path ? decidingRule(path, verdict) : null,
  };
  const reason = path && cell.rule === null ? undecidedReason(path) : undefined;
  if (reason !== undefined) cell.reason = reason;
  if (options.explain && verdict !== 'delivered') cell.path = path ? explainPath(path) : [];
  return cell;
}

/** Every cell, one after another (see the header), in plan order. */
export async function probeCells(
  backend: ProbeBackend,
  probes: readonly CellProbe[],
  options: ProbeOptions = {},
): Promise<Cell[]> {
  const cells: Cell[] = [];
  for (const p of probes) cells.push(await probeCell(backend, p, options));
  return cells;
}
