/**
 * Rules indexed by the interface they name. Docker writes a quartet of FORWARD rules
 * and more per network, each pinned to one bridge (`-o br-x`, `-i br-x`); with 1,000
 * networks a packet would test 4,000 rules it can never match. The kernel scans
 * linearly; this index skips only rules whose exact, non-inverted -o/-i names another
 * interface, or (without such an interface) whose non-inverted -s holds another source
 * (Docker's `-s SUBNET ! -o BRIDGE -j MASQUERADE`, one per network), and keeps the
 * candidates in rule order, so first-match semantics and every counter stay the same.
 */
import { parseCidr, parseCidr6 } from '../address/index.ts';
import type { RuleSpec } from '../types.ts';
import { type Ip, Ip6Map } from './ip.ts';

/** Chains shorter than this are scanned as they are: indexing would cost more than it saves. */
const MIN_INDEXED_RULES = 24;

function pinnedInterface(spec: RuleSpec): string | undefined {
  const exact = (i: RuleSpec['inInterface']) =>
    i && !i.invert && !i.value.endsWith('+') ? i.value : undefined;
  const out = exact(spec.outInterface);
  if (out !== undefined) return `o\u0000${out}`;
  const inn = exact(spec.inInterface);
  return inn === undefined ? undefined : `i\u0000${inn}`;
}

export class InterfaceIndex {
  private readonly all: number[];
  private readonly free: number[] = [];
  private readonly byInterface = new Map<string, number[]>();
  /** Rules pinned by source, per prefix length (longest first), by network. */
  private readonly bySource: Array<{ mask: number; rules: Map<number, number[]> }> = [];
  /** The same for IPv6 sources (ip6tables' `-s fd00:1::/64 ! -o br-x -j MASQUERADE`). */
  private readonly bySource6: Array<{ mask: bigint; rules: Ip6Map<number[]> }> = [];
  private readonly memo = new Map<string, number[]>();

  constructor(specs: readonly RuleSpec[]) {
    this.all = specs.map((_, i) => i);
    if (specs.length < MIN_INDEXED_RULES) return;
    specs.forEach((spec, i) => {
      const key = pinnedInterface(spec);
      if (key === undefined) {
        if (spec.source && !spec.source.invert) this.pinSource(spec.source.value, i);
        else this.free.push(i);
        return;
      }
      let list = this.byInterface.get(key);
      if (!list) {
        list = [];
        this.byInterface.set(key, list);
      }
      list.push(i);
    });
  }

  private pinSource(source: string, rule: number): void {
    if (source.includes(':')) {
      const { network, mask } = parseCidr6(source);
      let level = this.bySource6.find((l) => l.mask === mask);
      if (!level) {
        level = { mask, rules: new Ip6Map() };
        this.bySource6.push(level);
      }
      const list = level.rules.get(network);
      if (list) list.push(rule);
      else level.rules.set(network, [rule]);
      return;
    }
    const { network, mask } = parseCidr(source);
    let level = this.bySource.find((l) => l.mask === mask);
    if (!level) {
      level = { mask, rules: new Map() };
      this.bySource.push(level);
    }
    const list = level.rules.get(network);
    if (list) list.push(rule);
    else level.rules.set(network, [rule]);
  }

  /** 0-based rule positions that may match a packet with these interfaces and source, in rule order. */
  candidates(inDev: string, outDev: string, saddr: Ip = 0): readonly number[] {
    if (this.byInterface.size === 0 && this.bySource.length === 0 && this.bySource6.length === 0)
      return this.all;
    const v6 = typeof saddr === 'bigint';
    const key =
      this.bySource.length === 0 && this.bySource6.length === 0
        ? `${inDev}\u0000${outDev}`
        : `${inDev}\u0000${outDev}\u0000${v6 ? '6' : ''}${saddr}`;
    let list = this.memo.get(key);
    if (!list) {
      list = mergeSorted(
        mergeSorted(this.free, this.byInterface.get(`o\u0000${outDev}`) ?? []),
        this.byInterface.get(`i\u0000${inDev}`) ?? [],
      );
      if (typeof saddr === 'bigint') {
        for (const level of this.bySource6) {
          const pinned = level.rules.get(saddr & level.mask);
          if (pinned) list = mergeSorted(list, pinned);
        }
      } else {
        for (const level of this.bySource) {
          const pinned = level.rules.get((saddr & level.mask) >>> 0);
          if (pinned) list = mergeSorted(list, pinned);
        }
      }
      if (this.memo.size > 4096) this.memo.clear();
      this.memo.set(key, list);
    }
    return list;
  }
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && (a[i] as number) < (b[j] as number))) out.push(a[i++] as number);
    else out.push(b[j++] as number);
  }
  return out;
}
