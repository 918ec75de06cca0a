/**
 * Every cell of one `Then the reachability is:` step, through the Backend contract. The
 * model predicts each cell in turn (its traffic methods give the verdict and the packet
 * path, from which the deciding rule is read); a real host (dind, or the twin's real
 * side) probes the same cells at most PROBE_PARALLELISM at a time with probe-real.ts's
 * counter-free probes. On twin both run at once and each cell is compared: TCP by its
 * precise outcome, ICMP and UDP by delivered or not (how a ping failed is not compared
 * by the twin's ping either, and a datagram's sender learns nothing).
 */
import type { Backend } from '../backends/backend.ts';
import type { PathStep } from '../netfilter/host-types.ts';
import { decidingRule, undecidedReason } from './deciding.ts';
import { type ProbeTarget, probeReal, realProbeHostOf, UDP_PROBE_PAYLOAD } from './probe-real.ts';
import { runBounded } from './probe-schedule.ts';
import type { DecidingRule, Proto, Verdict } from './types.ts';

/** A DinD host answers through up to four command sessions (src/dind/host-agent.ts). */
export const PROBE_PARALLELISM = 4;

export interface ModelCell {
  verdict: Verdict;
  rule: DecidingRule | null;
  /** No rule decided it: why, in the path's words ("web: nothing listens on tcp port 81: RST"). */
  reason?: string;
  path: PathStep[];
}

/** One cell as the backend saw it: the model's prediction (model, twin), the real host's verdict (dind, twin). */
export interface ProbedCell {
  model?: ModelCell;
  real?: Verdict;
}

/** The verdict the step checks the expectation against: the real host's where there is one. */
export function observedVerdict(c: ProbedCell): Verdict | undefined {
  return c.real ?? c.model?.verdict;
}

/** Do the real host and the model agree on a cell (twin)? */
export function twinAgrees(proto: Proto, real: Verdict, model: Verdict): boolean {
  if (proto === 'tcp') return real === model;
  return (real === 'delivered') === (model === 'delivered');
}

/** The model's side of one cell, through its traffic methods. */
export async function probeModel(model: Backend, t: ProbeTarget): Promise<ModelCell> {
  let verdict: Verdict;
  let path: PathStep[];
  if (t.proto === 'icmp') {
    const o = await model.ping(t.from, t.address, 1);
    verdict = o.outcome.received > 0 ? 'delivered' : o.outcome.unreachable ? 'unreachable' : 'timeout';
    path = o.path ?? [];
  } else if (t.port === null) {
    throw new Error(`a ${t.proto} probe needs a port`);
  } else if (t.proto === 'tcp') {
    const o = await model.tcpSend(t.from, t.address, t.port, '');
    verdict = o.outcome.outcome === 'ok' ? 'delivered' : o.outcome.outcome;
    path = o.path ?? [];
  } else {
    const o = await model.udpSend(t.from, t.address, t.port, UDP_PROBE_PAYLOAD);
    verdict = o.outcome.arrived ? 'delivered' : 'timeout';
    path = o.path ?? [];
  }
  const rule = decidingRule(path, verdict);
  const reason = rule === null ? undecidedReason(path) : undefined;
  return { verdict, rule, ...(reason === undefined ? {} : { reason }), path };
}

/**
 * Probes that must not overlap on a real host: every UDP probe (the receiver is told by
 * counting lines in listener logs), and TCP probes of one address and port (the
 * workload's `nc -l` takes one connection at a time: a second SYN meanwhile is refused).
 */
export function exclusiveKey(t: ProbeTarget): { exclusive?: string } {
  if (t.proto === 'udp') return { exclusive: 'udp' };
  if (t.proto === 'tcp') return { exclusive: `tcp ${t.address}:${t.port}` };
  return {};
}

/**
 * The address a container reaches another at by name: what Docker's embedded DNS answers
 * it (the endpoint on a network they share), from the model beside the backend. undefined
 * on dind, or where no DNS answers (the default bridge): the caller uses the first address.
 */
export function addressSeenBy(backend: Backend, from: string, to: string): string | undefined {
  const model = modelOf(backend) as
    | (Backend & { daemon?: () => { resolveName(f: string, n: string): string | undefined } })
    | undefined;
  if (typeof model?.daemon !== 'function') return undefined;
  return model.daemon().resolveName(from, to);
}

/** The model a backend runs: itself (model), the twin's; none on dind. */
function modelOf(backend: Backend): Backend | undefined {
  if (backend.name === 'model') return backend;
  return backend.model;
}

export async function probeCells(
  backend: Backend,
  targets: readonly ProbeTarget[],
  options: { limit?: number } = {},
): Promise<ProbedCell[]> {
  const model = modelOf(backend);
  const real = await realProbeHostOf(backend);
  const predict = async () => {
    // One at a time: the model's traffic methods share its counters and last flow.
    const out: ModelCell[] = [];
    if (model) for (const t of targets) out.push(await probeModel(model, t));
    return out;
  };
  const probe = async () =>
    real
      ? runBounded(
          targets.map((t) => ({
            run: () => probeReal(real, t),
            ...exclusiveKey(t),
          })),
          { limit: options.limit ?? PROBE_PARALLELISM },
        )
      : [];
  const [predicted, probed] = await Promise.all([predict(), probe()]);
  return targets.map((_, i) => {
    const m = predicted[i];
    const r = probed[i];
    return { ...(m ? { model: m } : {}), ...(r ? { real: r } : {}) };
  });
}
