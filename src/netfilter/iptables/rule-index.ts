/**
 * Rules of a chain indexed by their canonical text, as nft finds a rule for `-C` and
 * `-D` (`-d 10.0.0.1` finds `-d 10.0.0.1/32`). Without it every `-C`/`-D` formatted
 * every rule of the chain: Docker checks before it appends, so a host with n rules
 * cost O(n²) (10,000 containers timed out).
 *
 * The index lives beside the chain (a WeakMap: a Chain stays plain data that clones
 * and compares as before) and notices when the chain's rule list changed behind its
 * back — another array, or another length — and then rebuilds itself once.
 */
import { formatRuleSpec } from '../ruleset/rule-spec.ts';
import type { Chain, Rule } from '../types.ts';

interface ChainIndex {
  rules: Rule[];
  length: number;
  /** Canonical text → the rules with that text (usually one), in no particular order. */
  byText: Map<string, Rule[]>;
  /** Canonical text of each indexed rule, so removal needs no formatting. */
  textOf: Map<Rule, string>;
}

const indexes = new WeakMap<Chain, ChainIndex>();

function indexOf(chain: Chain): ChainIndex {
  const known = indexes.get(chain);
  if (known && known.rules === chain.rules && known.length === chain.rules.length) return known;
  const index: ChainIndex = { rules: chain.rules, length: 0, byText: new Map(), textOf: new Map() };
  for (const rule of chain.rules) add(index, rule, formatRuleSpec(rule.spec));
  indexes.set(chain, index);
  return index;
}

function add(index: ChainIndex, rule: Rule, text: string): void {
  const list = index.byText.get(text);
  if (list) list.push(rule);
  else index.byText.set(text, [rule]);
  index.textOf.set(rule, text);
  index.length += 1;
}

function remove(index: ChainIndex, rule: Rule): void {
  const text = index.textOf.get(rule);
  if (text === undefined) return;
  index.textOf.delete(rule);
  const list = index.byText.get(text) ?? [];
  const at = list.indexOf(rule);
  if (at >= 0) list.splice(at, 1);
  if (list.length === 0) index.byText.delete(text);
  index.length -= 1;
}

/**
 * Drops the chain's index: for code that rewrites rules in place (a bridge renamed in
 * every rule that names it), which the length-and-array check cannot notice.
 */
export function forgetRuleIndex(chain: Chain): void {
  indexes.delete(chain);
}

/** Is there a rule with this canonical text? O(1). */
export function hasRule(chain: Chain, canonical: string): boolean {
  return indexOf(chain).byText.has(canonical);
}

/** 0-based position of the first rule with this canonical text, or -1. */
export function findRule(chain: Chain, canonical: string): number {
  const list = indexOf(chain).byText.get(canonical);
  if (!list) return -1;
  // One rule in the usual case; with duplicates the first in chain order wins, as in nft.
  let first = -1;
  for (const rule of list) {
    const at = chain.rules.indexOf(rule);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  return first;
}

/** Inserts `rule` (canonical text `text`) at 0-based `at` (default: the end). */
export function insertRule(chain: Chain, rule: Rule, text: string, at = chain.rules.length): void {
  const index = indexOf(chain);
  if (at >= chain.rules.length) chain.rules.push(rule);
  // `-I CHAIN` (Docker's per-port rules): V8's unshift moves the elements 4x faster than splice.
  else if (at === 0) chain.rules.unshift(rule);
  else chain.rules.splice(at, 0, rule);
  add(index, rule, text);
}

/** Replaces the rule at 0-based `at`. */
export function replaceRule(chain: Chain, at: number, rule: Rule, text: string): void {
  const index = indexOf(chain);
  const old = chain.rules[at];
  if (old) remove(index, old);
  chain.rules[at] = rule;
  add(index, rule, text);
}

/** Deletes the rule at 0-based `at`. */
export function deleteRule(chain: Chain, at: number): void {
  const index = indexOf(chain);
  const [old] = chain.rules.splice(at, 1);
  if (old) remove(index, old);
}

/** Forgets the index of a chain whose rules changed text in place (a renamed jump target). */
export function forgetIndex(chain: Chain): void {
  indexes.delete(chain);
}
