/**
 * Base-chain priorities: nft names the standard ones (nft(8), "PRIORITY"). The kernel runs
 * every base chain registered at a hook in ascending priority; iptables-nft registers its
 * tables at the same standard values (raw -300, mangle -150, nat dstnat -100, filter 0,
 * security 50, nat srcnat 100), so a native chain's priority says whether it runs before
 * or after iptables' chains.
 */
import type { NftFamily } from './types.ts';

const STANDARD: Readonly<Record<string, number>> = {
  raw: -300,
  mangle: -150,
  dstnat: -100,
  filter: 0,
  security: 50,
  srcnat: 100,
};

/** The bridge family has its own standard values. */
const BRIDGE: Readonly<Record<string, number>> = {
  dstnat: -300,
  filter: -200,
  out: 100,
  srcnat: 300,
};

export class NftPriorityError extends Error {
  constructor(text: string) {
    super(
      `priority "${text}" is neither a number nor a standard name (raw, mangle, dstnat, filter, security, srcnat)`,
    );
    this.name = 'NftPriorityError';
  }
}

/** `filter`, `-100`, `filter - 10`, `mangle + 5` → the number the kernel orders by. */
export function priorityValue(text: string, family: NftFamily): number {
  const m = /^\s*(-?\d+|[a-z]+)\s*(?:([+-])\s*(\d+))?\s*$/.exec(text);
  if (!m) throw new NftPriorityError(text);
  const [, base, sign, offset] = m as unknown as [string, string, string | undefined, string | undefined];
  let value: number;
  if (/^-?\d+$/.test(base)) value = Number(base);
  else {
    const named = (family === 'bridge' ? BRIDGE : STANDARD)[base];
    if (named === undefined) throw new NftPriorityError(text);
    value = named;
  }
  if (sign !== undefined && offset !== undefined) value += sign === '+' ? Number(offset) : -Number(offset);
  return value;
}

/**
 * A priority as `nft list` prints it (nft's prio2str, src/rule.c): within 10 of a standard
 * value that fits the family and hook, by name and offset (`-10` → `filter - 10`, `10` →
 * `filter + 10`); otherwise the number. Standard values are tried in nft's order.
 */
export function listedPriority(value: number, family: NftFamily, hook: string): string {
  const table = family === 'bridge' ? BRIDGE : STANDARD;
  for (const [name, standard] of Object.entries(table)) {
    if (Math.abs(value - standard) > 10) continue;
    if (!standardFits(name, family, hook)) break;
    const offset = value - standard;
    return offset === 0 ? name : `${name} ${offset > 0 ? '+' : '-'} ${Math.abs(offset)}`;
  }
  return String(value);
}

/** nft's std_prio_family_hook_compat. */
function standardFits(name: string, family: NftFamily, hook: string): boolean {
  if (family === 'bridge') {
    if (name === 'filter') return true;
    if (name === 'dstnat') return hook === 'prerouting';
    if (name === 'out') return hook === 'output';
    if (name === 'srcnat') return hook === 'postrouting';
    return false;
  }
  if (name === 'filter') return family !== 'netdev';
  if (family !== 'ip' && family !== 'ip6' && family !== 'inet') return false;
  if (name === 'dstnat') return hook === 'prerouting' || hook === 'output';
  if (name === 'srcnat') return hook === 'postrouting' || hook === 'input';
  return true;
}
