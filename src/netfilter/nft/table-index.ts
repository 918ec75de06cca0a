/**
 * A table's chains and sets by name, and a ruleset's base chains by hook, found in O(1)
 * as the kernel finds them (a jump holds its chain; a verdict map's element holds its
 * chain). Docker 29 writes eight chains per bridge: a jump must not scan 8,000 of them.
 *
 * The indexes are kept across flows and checked on each use, cheaply, because `nft`
 * commands (command.ts) edit a table in place: a name found at a position is right when
 * that position still holds an object of that name (names are unique in a table); base
 * chains are right while the table's chains keep their length, their last object and
 * each base chain's position (an added chain is pushed last; a deleted one shifts those
 * after it).
 */
import type { NftChain, NftHook, NftRuleset, NftSet, NftTable } from './types.ts';

interface Named {
  name: string;
}

const positions = new WeakMap<readonly Named[], Map<string, number>>();

/** The object named `name` in `list` (a table's chains or sets), by a checked index. */
function byName<T extends Named>(list: readonly T[], name: string): T | undefined {
  let index = positions.get(list);
  const at = index?.get(name);
  if (at !== undefined && list[at]?.name === name) return list[at];
  index = new Map(list.map((x, i) => [x.name, i]));
  positions.set(list, index);
  const again = index.get(name);
  return again === undefined ? undefined : list[again];
}

export function chainOf(table: NftTable, name: string): NftChain | undefined {
  return byName(table.chains, name);
}

export function setOf(table: NftTable, name: string): NftSet | undefined {
  return byName(table.sets, name);
}

/** A base chain registered at a hook, with what orders it there. */
export interface NftHookChain {
  table: NftTable;
  chain: NftChain;
  priority: number;
}

interface BaseChains {
  length: number;
  last: NftChain | undefined;
  /** Each base chain and its position in table.chains. */
  bases: Array<{ chain: NftChain; at: number }>;
}

const baseChains = new WeakMap<NftTable, BaseChains>();

function basesOf(table: NftTable): BaseChains['bases'] {
  const chains = table.chains;
  const known = baseChains.get(table);
  if (
    known &&
    known.length === chains.length &&
    known.last === chains.at(-1) &&
    known.bases.every((b) => chains[b.at] === b.chain)
  ) {
    return known.bases;
  }
  const bases: BaseChains['bases'] = [];
  chains.forEach((chain, at) => {
    if (chain.base) bases.push({ chain, at });
  });
  baseChains.set(table, { length: chains.length, last: chains.at(-1), bases });
  return bases;
}

/**
 * The native base chains an IPv4 packet meets at `hook`, in the order the kernel runs them:
 * ascending priority, and at equal priority the chain registered last first
 * (nf_hook_entries_grow inserts a new hook before the first one of the same priority).
 * A listing prints tables and chains in the order they were created, so at a tie the one
 * listed later runs first; measured on a real kernel (src/dind/nft-kernel-mixed.docker-test.ts:
 * `inet deny` loaded after `ip docker-bridges`, both at `priority raw`, counts first).
 * Tables iptables-nft owns are left out: their rules are read through iptables-save and
 * walked as iptables tables.
 */
export function nftHookChains(
  ruleset: NftRuleset,
  hook: NftHook,
  family: 'ipv4' | 'ipv6' = 'ipv4',
): NftHookChain[] {
  const out: NftHookChain[] = [];
  // An IPv4 packet meets ip and inet tables; an IPv6 packet ip6 and inet tables.
  const own = family === 'ipv6' ? 'ip6' : 'ip';
  for (const table of ruleset.tables) {
    if (table.managedBy || (table.family !== own && table.family !== 'inet')) continue;
    if (table.attributes.some((a) => /^flags\b.*\bdormant\b/.test(a))) continue;
    for (const { chain } of basesOf(table)) {
      if (chain.base?.hook === hook) out.push({ table, chain, priority: chain.base.priority });
    }
  }
  // Array.prototype.sort is stable: reversed first, ties come out last-listed first.
  return out.reverse().sort((a, b) => a.priority - b.priority);
}
