/**
 * Native nft base chains in the packet path (HostState.firewall's nftables entry): which ones a hook
 * runs and where among iptables' tables, their walk, their counters and their lines in
 * the packet path. iptables-nft's tables are nft base chains too, at fixed priorities
 * (IPTABLES_PRIORITY); a native chain runs before or after them by its own priority.
 * nat-type chains all run inside nf_nat's hook (-100 for destination NAT, 100 for
 * source NAT), in priority order, until one of them binds the flow.
 */
import { type NftCounterRef, type NftHookChain, nftHookChains, walkNftBaseChain } from '../nft/chain-walk.ts';
import type { NftStep } from '../nft/compile.ts';
import type { NftCounter, NftHook, NftRule, NftRuleset } from '../nft/types.ts';
import type { Hook, TableName } from '../types.ts';
import type { HookVerdict } from './chain-walk.ts';
import type { Packet } from './packet.ts';
import type { RoutingTable } from './routing.ts';
import type { PathTracer } from './trace.ts';

/** Where iptables-nft registers each table (nf_ip_hook_priorities). */
export const IPTABLES_PRIORITY: Readonly<Record<Exclude<TableName, 'nat'>, number>> = {
  raw: -300,
  mangle: -150,
  filter: 0,
  security: 50,
};
/** nf_conntrack's hook (NF_IP_PRI_CONNTRACK). */
export const CONNTRACK_PRIORITY = -200;
/** nf_nat's hooks: destination NAT at prerouting/output, source NAT at input/postrouting. */
export const NAT_PRIORITY = { dst: -100, src: 100 } as const;

export interface NftCounterDelta extends NftCounterRef {
  packets: number;
  bytes: number;
}

const HOOK_NAMES: Readonly<Record<Hook, NftHook>> = {
  PREROUTING: 'prerouting',
  INPUT: 'input',
  FORWARD: 'forward',
  OUTPUT: 'output',
  POSTROUTING: 'postrouting',
};

export class NativeHooks {
  private readonly byHook = new Map<string, { filter: NftHookChain[]; nat: NftHookChain[] }>();
  private readonly compiled = new WeakMap<NftRule, NftStep[]>();
  /** By the rule's counter (one object per counter statement): no key text per packet. */
  private readonly deltas = new Map<NftCounter, NftCounterDelta>();

  constructor(
    private readonly ruleset: NftRuleset,
    private readonly routing: RoutingTable,
    private readonly tracer: PathTracer,
  ) {}

  /**
   * The native base chains at `hook` for a packet of `family` (ip or ip6 tables, and inet
   * tables for both): filter/route chains and nat chains, each by priority.
   */
  at(hook: Hook, family: 'ipv4' | 'ipv6' = 'ipv4'): { filter: NftHookChain[]; nat: NftHookChain[] } {
    const key = family === 'ipv6' ? `6${hook}` : hook;
    let found = this.byHook.get(key);
    if (!found) {
      const all = nftHookChains(this.ruleset, HOOK_NAMES[hook], family);
      found = {
        filter: all.filter((c) => c.chain.base?.type !== 'nat'),
        nat: all.filter((c) => c.chain.base?.type === 'nat'),
      };
      this.byHook.set(key, found);
    }
    return found;
  }

  walk(entry: NftHookChain, hook: Hook, p: Packet): HookVerdict {
    const { table, chain, priority } = entry;
    this.tracer.step(p, 'hook', `nft ${table.family} ${table.name} ${chain.name} (priority ${priority})`);
    const verdict = walkNftBaseChain(
      {
        env: { hook: HOOK_NAMES[hook], routing: this.routing },
        compiled: this.compiled,
        onCount: (ref, counter, bytes) => this.count(ref, counter, bytes),
        onStep: this.tracer.enabled ? (text) => this.tracer.step(p, 'rule', text) : undefined,
      },
      table,
      chain,
      p,
    );
    return verdict;
  }

  private count(ref: NftCounterRef, counter: NftCounter, bytes: number): void {
    let delta = this.deltas.get(counter);
    if (!delta) {
      delta = { ...ref, packets: 0, bytes: 0 };
      this.deltas.set(counter, delta);
    }
    delta.packets += 1;
    delta.bytes += bytes;
  }

  /** What the flow counted on native rules, in the order first counted. */
  list(): NftCounterDelta[] {
    return [...this.deltas.values()];
  }
}
