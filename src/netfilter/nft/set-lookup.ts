/**
 * Set and map lookups as nf_tables does them: exact keys in a hash (nft_set_hash), ranges
 * and prefixes as sorted intervals searched by bisection (nft_set_rbtree), so a packet
 * costs the same against 5 elements or 5,000, and a verdict map of 1,000 bridges is one
 * step. Concatenations (`ip saddr . tcp dport`) hash their joined parts; concatenated
 * ranges (nft_set_pipapo) are scanned, as they are rare and small.
 *
 * A lookup is built once per set and kept until the set's elements change: a flow on a
 * host with a 5,000-element set must not rebuild it.
 */
import type { NftMapEntry, NftSet } from './types.ts';
import { covers, type KeySpan, NftValueError, type Scalar, type SpanParser } from './values.ts';

interface Interval {
  /** Numbers, or bigints for IPv6 addresses (one set holds one type). */
  low: number | bigint;
  high: number | bigint;
  index: number;
}

/** The element (its index in the set) that holds a key; undefined: none. */
export class KeyLookup {
  private readonly exact = new Map<Scalar, number>();
  private readonly intervals: Interval[] = [];
  /** Overlapping intervals (a hand-written anonymous set): searched in element order. */
  private overlapping = false;
  private readonly scanned: Array<{ span: KeySpan; index: number }> = [];

  constructor(elements: ReadonlyArray<readonly KeySpan[]>) {
    for (const [index, spans] of elements.entries()) {
      for (const span of spans) this.add(span, index);
    }
    this.intervals.sort((a, b) => (a.low < b.low ? -1 : a.low > b.low ? 1 : a.index - b.index));
    for (let i = 1; i < this.intervals.length; i++) {
      if ((this.intervals[i] as Interval).low <= (this.intervals[i - 1] as Interval).high) {
        this.overlapping = true;
        this.intervals.sort((a, b) => a.index - b.index);
        break;
      }
    }
  }

  private add(span: KeySpan, index: number): void {
    if (span.kind === 'exact') {
      if (!this.exact.has(span.value)) this.exact.set(span.value, index);
    } else if (span.kind === 'range') {
      this.intervals.push({ low: span.low, high: span.high, index });
    } else if (span.kind === 'tuple') {
      const key = exactTuple(span);
      if (key === undefined) this.scanned.push({ span, index });
      else if (!this.exact.has(key)) this.exact.set(key, index);
    } else if (span.kind === 'prefix') {
      this.scanned.push({ span, index });
    }
  }

  get(v: Scalar | readonly Scalar[]): number | undefined {
    const key = typeof v === 'object' ? tupleKey(v) : v;
    const hit = this.exact.get(key);
    if (hit !== undefined) return hit;
    if ((typeof v === 'number' || typeof v === 'bigint') && this.intervals.length > 0) {
      const found = this.overlapping ? this.intervals.find((r) => v >= r.low && v <= r.high) : this.bisect(v);
      if (found) return found.index;
    }
    for (const s of this.scanned) if (covers(s.span, v)) return s.index;
    return undefined;
  }

  /** The interval with the greatest low ≤ v, if it reaches v (intervals do not overlap). */
  private bisect(v: number | bigint): Interval | undefined {
    let lo = 0;
    let hi = this.intervals.length - 1;
    let best: Interval | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.intervals[mid] as Interval;
      if (r.low <= v) {
        best = r;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best && v <= best.high ? best : undefined;
  }
}

function tupleKey(parts: readonly Scalar[]): string {
  return parts.join('\u0000');
}

/** A concatenation whose every part is one exact value hashes as one key. */
function exactTuple(span: KeySpan & { kind: 'tuple' }): string | undefined {
  const parts: Scalar[] = [];
  for (const alternatives of span.parts) {
    const only = alternatives[0];
    if (alternatives.length !== 1 || only?.kind !== 'exact') return undefined;
    parts.push(only.value);
  }
  return tupleKey(parts);
}

/**
 * An element's key as written: a listing may print options after it (`timeout 30s`,
 * `expires 12s`, `comment "x"`), which do not change the lookup. Element counters would
 * count, and the twin does not keep them: refused by name rather than left at zero.
 */
function keyText(text: string): string {
  const option = /\s(counter|timeout|expires|comment)\b/.exec(text);
  if (!option) return text;
  if (option[1] === 'counter') {
    throw new NftValueError(`set element "${text}" has a counter; nettwin does not model element counters`);
  }
  return text.slice(0, option.index);
}

interface Cached {
  source: readonly unknown[];
  length: number;
  last: unknown;
  lookup: KeyLookup;
}

const byParser = new WeakMap<object, Map<SpanParser, Cached>>();

function cached(owner: object, source: readonly unknown[], parse: SpanParser, texts: () => string[]) {
  let perParser = byParser.get(owner);
  if (!perParser) {
    perParser = new Map();
    byParser.set(owner, perParser);
  }
  const hit = perParser.get(parse);
  // Elements are replaced, not edited in place: the same array, length and last element
  // mean the same elements.
  if (hit && hit.source === source && hit.length === source.length && hit.last === source.at(-1)) {
    return hit.lookup;
  }
  const lookup = new KeyLookup(texts().map((t) => parse(keyText(t))));
  perParser.set(parse, { source, length: source.length, last: source.at(-1), lookup });
  return lookup;
}

/** The lookup of a named set's or map's keys, read with `parse` (the selector's field). */
export function namedSetLookup(set: NftSet, parse: SpanParser): KeyLookup {
  return cached(set, set.elements, parse, () => set.elements.map((e) => e.key));
}

/** The lookup of an anonymous set `{ a, b }` (its element texts, as the rule holds them). */
export function anonymousSetLookup(elements: readonly string[], parse: SpanParser): KeyLookup {
  return cached(elements, elements, parse, () => [...elements]);
}

/** The lookup of an inline verdict map `{ "eth0" : accept, … }` (its entries, as the rule holds them). */
export function inlineMapLookup(entries: readonly NftMapEntry[], parse: SpanParser): KeyLookup {
  return cached(entries, entries, parse, () => entries.map((e) => e.key));
}
