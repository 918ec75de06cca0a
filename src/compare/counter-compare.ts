/**
 * Real vs predicted counter deltas, with the exactness the design card promises
 * (DESIGN.md "Counter exactness"):
 * - ICMP: packets and bytes exact on every row;
 * - nat table: exact (only a flow's first packet traverses it, its size is fixed);
 * - TCP/UDP on other tables: the set of rows that counted is exact, packet counts are
 *   exact, bytes may differ by `byteTolerance` (application payload the step cannot
 *   know to the byte, e.g. an HTTP server's headers).
 * Policies are rows too (`:FORWARD ACCEPT`).
 *
 * Where the model says a real kernel may send a few more packets depending on timing
 * (`variations`: delayed vs quick ACKs), the counters also match when they equal the
 * prediction plus some of those packets — the same number on every row they pass.
 */
import type { CounterVariation, FlowProtocol } from '../netfilter/host-types.ts';
import type { Counters } from '../netfilter/types.ts';
import { maskDnsPorts } from './dns-ports.ts';

/**
 * One row of counter deltas on any framework: an iptables rule or policy (`table` is the
 * iptables table; CounterDelta is one), or a native nft rule (`table` is "inet filter").
 */
export interface CounterRowInput extends Counters {
  table: string;
  chain: string;
  /** 1-based rule number, 0 for a policy. */
  rule: number;
  text: string;
}

export interface CounterCompareOptions {
  /** Traffic of the step; 'none' for steps that send nothing (everything must be exact). */
  protocol: FlowProtocol | 'none';
  /** Allowed |real − model| bytes per row, TCP/UDP outside nat only. Default 0. */
  byteTolerance?: number;
  /** Timing-dependent extra packets the model predicts (FlowResult.variations). */
  variations?: readonly CounterVariation[];
}

export type CounterRowStatus =
  | 'match'
  /** Bytes differ, within the tolerance of a TCP/UDP step. */
  | 'within-tolerance'
  /** The real host counted here, the model did not. */
  | 'missing-hit'
  /** The model counted here, the real host did not. */
  | 'extra-hit'
  | 'packets'
  | 'bytes';

export interface CounterRow {
  /** The iptables table (`filter`), or a native nft table with its family (`inet filter`). */
  table: string;
  chain: string;
  /** Row text (`-A CHAIN …` or `:CHAIN POLICY`), the real host's spelling when it has one. */
  text: string;
  /** 1-based rule number on each side, 0 for the policy, undefined when the side has no such row. */
  realRule?: number;
  modelRule?: number;
  real: Counters;
  model: Counters;
  status: CounterRowStatus;
}

export interface CounterComparison {
  equal: boolean;
  /** Every row that counted on either side, in the real host's order, model-only rows after. */
  rows: CounterRow[];
  /** The rows whose status is a failure: missed and extra hits first, then packet and byte differences. */
  mismatches: CounterRow[];
  /** When the match needed timing-dependent extra packets: which, e.g. "+1 ACK of response to …". */
  variation?: string;
  /** The model's deltas with those extra packets added (what the real side was compared with). */
  variationCounters?: CounterRowInput[];
  /** Only the extra packets' deltas. */
  variationExtra?: CounterRowInput[];
}

/** Enough for a few variations of a few packets each; more would hide real differences. */
const MAX_VARIANTS = 64;

const ZERO: Counters = { packets: 0, bytes: 0 };
const STATUS_RANK: Record<CounterRowStatus, number> = {
  'missing-hit': 0,
  'extra-hit': 1,
  packets: 2,
  bytes: 3,
  'within-tolerance': 4,
  match: 5,
};
const FAILING: ReadonlySet<CounterRowStatus> = new Set(['missing-hit', 'extra-hit', 'packets', 'bytes']);

/** Rows are the same row when table, chain and text agree (policy rows: table and chain). */
export function counterRowKey(row: Pick<CounterRowInput, 'table' | 'chain' | 'rule' | 'text'>): string {
  const text =
    row.rule === 0 ? `:${row.chain}` : maskDnsPorts(row.chain, row.text.replace(/\s+/g, ' ').trim());
  return `${row.table}\u0000${row.chain}\u0000${text}`;
}

export function compareCounters(
  real: readonly CounterRowInput[],
  model: readonly CounterRowInput[],
  options: CounterCompareOptions,
): CounterComparison {
  const exact = compareOnce(real, model, options);
  if (exact.equal || !options.variations?.length) return exact;
  for (const variant of variants(options.variations)) {
    const withExtra = addDeltas(model, variant.counters);
    const adjusted = compareOnce(real, withExtra, options);
    if (adjusted.equal)
      return {
        ...adjusted,
        variation: variant.description,
        variationCounters: withExtra,
        variationExtra: variant.counters,
      };
  }
  return exact;
}

/** Every combination of 0..upTo extra packets per variation, the prediction itself excluded. */
function variants(
  variations: readonly CounterVariation[],
): Array<{ counters: CounterRowInput[]; description: string }> {
  let combos: Array<{ counters: CounterRowInput[]; parts: string[] }> = [{ counters: [], parts: [] }];
  for (const v of variations) {
    const next: typeof combos = [];
    for (const c of combos) {
      for (let n = 0; n <= v.upTo && next.length < MAX_VARIANTS; n++) {
        next.push({
          counters: n === 0 ? c.counters : addDeltas(c.counters, scaleDeltas(v.counters, n)),
          parts: n === 0 ? c.parts : [...c.parts, `+${n} ${v.reason}`],
        });
      }
    }
    combos = next;
  }
  return combos
    .filter((c) => c.parts.length > 0)
    .map((c) => ({ counters: c.counters, description: c.parts.join(', ') }));
}

function scaleDeltas(deltas: readonly CounterRowInput[], n: number): CounterRowInput[] {
  return deltas.map((d) => ({ ...d, packets: d.packets * n, bytes: d.bytes * n }));
}

/** base + extra, row by row; rows only `extra` has are appended. */
export function addDeltas<T extends CounterRowInput>(base: readonly T[], extra: readonly T[]): T[] {
  const key = (d: T) => `${d.table}\u0000${d.chain}\u0000${d.rule}`;
  const more = new Map(extra.map((d) => [key(d), d]));
  const out = base.map((d) => {
    const e = more.get(key(d));
    more.delete(key(d));
    return e ? { ...d, packets: d.packets + e.packets, bytes: d.bytes + e.bytes } : { ...d };
  });
  return [...out, ...more.values()];
}

function compareOnce(
  real: readonly CounterRowInput[],
  model: readonly CounterRowInput[],
  options: CounterCompareOptions,
): CounterComparison {
  const modelByKey = new Map<string, CounterRowInput[]>();
  for (const m of model) {
    const key = counterRowKey(m);
    modelByKey.set(key, [...(modelByKey.get(key) ?? []), m]);
  }
  const rows: CounterRow[] = [];
  for (const r of real) {
    const m = modelByKey.get(counterRowKey(r))?.shift();
    rows.push(row(r, m, options));
  }
  for (const rest of modelByKey.values()) for (const m of rest) rows.push(row(undefined, m, options));
  // Rows where only one side counted name the deciding rule best: they lead.
  const mismatches = rows
    .filter((r) => FAILING.has(r.status))
    .sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status]);
  return { equal: mismatches.length === 0, rows, mismatches };
}

function row(
  real: CounterRowInput | undefined,
  model: CounterRowInput | undefined,
  options: CounterCompareOptions,
): CounterRow {
  const any = (real ?? model) as CounterRowInput;
  const rc = real ? { packets: real.packets, bytes: real.bytes } : ZERO;
  const mc = model ? { packets: model.packets, bytes: model.bytes } : ZERO;
  return {
    table: any.table,
    chain: any.chain,
    text: any.text,
    ...(real ? { realRule: real.rule } : {}),
    ...(model ? { modelRule: model.rule } : {}),
    real: rc,
    model: mc,
    status: judge(any.table, rc, mc, options),
  };
}

export function judge(
  table: string,
  real: Counters,
  model: Counters,
  options: CounterCompareOptions,
): CounterRowStatus {
  if (real.packets > 0 && model.packets === 0) return 'missing-hit';
  if (real.packets === 0 && model.packets > 0) return 'extra-hit';
  if (real.packets !== model.packets) return 'packets';
  if (real.bytes === model.bytes) return 'match';
  const loose = (options.protocol === 'tcp' || options.protocol === 'udp') && table !== 'nat';
  const tolerance = loose ? (options.byteTolerance ?? 0) : 0;
  return Math.abs(real.bytes - model.bytes) <= tolerance ? 'within-tolerance' : 'bytes';
}

export function isFailing(status: CounterRowStatus): boolean {
  return FAILING.has(status);
}
