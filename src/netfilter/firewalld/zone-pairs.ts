/**
 * firewalld 2.3's layout (Debian trixie, the Docker 26.1 image) of the interfaces bound to a
 * zone, as recorded on a real host (fixtures/nft/firewalld/26.1/): no dispatch chains, but
 * `…_POLICIES` chains whose rules come in groups by selector — an ingress interface, an
 * egress interface, or a pair (`iifname "A" oifname "B" jump filter_FWD_docker` then
 * `… accept`). Binding an interface to a zone whose reference interface (docker0) has such
 * groups adds one group per interface and, for pair groups, one per pair with every interface
 * already bound (A→new, new→A, new→new). The groups stay sorted by interface name, a missing
 * side (any interface) after the named ones; `nat_POSTROUTING_POLICIES` sorts by egress
 * interface first, the others by ingress first. Other chains naming the reference interface
 * (`filter_FWD_docker_allow`: `oifname "docker0" accept`) get a copy appended.
 */
import { parseNftRuleText } from '../nft/statements.ts';
import type { NftChain, NftRule, NftTable } from '../nft/types.ts';
import { FirewalldZoneError } from './zone-interfaces.ts';

const SELECTOR = /^(?:iifname "([^"]+)" )?(?:oifname "([^"]+)" )?/;

/** A rule's interface selector; undefined on a side means any interface. */
interface Selector {
  iif: string | undefined;
  oif: string | undefined;
}

interface Group {
  selector: Selector;
  /** The rules' text after the selector. */
  rest: string[];
}

function selectorOf(text: string): { selector: Selector; rest: string } {
  const m = SELECTOR.exec(text) as RegExpExecArray;
  return { selector: { iif: m[1], oif: m[2] }, rest: text.slice(m[0].length) };
}

const names = (s: Selector) => [s.iif, s.oif].filter((n): n is string => n !== undefined);
const sameSelector = (a: Selector, b: Selector) => a.iif === b.iif && a.oif === b.oif;

function ruleText(selector: Selector, rest: string): string {
  const iif = selector.iif === undefined ? '' : `iifname "${selector.iif}" `;
  const oif = selector.oif === undefined ? '' : `oifname "${selector.oif}" `;
  return `${iif}${oif}${rest}`;
}

function ruleOf(text: string): NftRule {
  return { text, statements: parseNftRuleText(text) };
}

function isPolicies(chain: NftChain): boolean {
  return chain.name.endsWith('_POLICIES');
}

/** Consecutive rules with the same selector form a group. */
function groupsOf(chain: NftChain): Group[] {
  const groups: Group[] = [];
  for (const rule of chain.rules) {
    const { selector, rest } = selectorOf(rule.text);
    const last = groups.at(-1);
    if (last && sameSelector(last.selector, selector)) last.rest.push(rest);
    else groups.push({ selector, rest: [rest] });
  }
  return groups;
}

/** Name order, any interface (undefined) last. */
function compareSide(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

function compareGroups(chain: NftChain): (a: Group, b: Group) => number {
  const egressFirst = chain.name === 'nat_POSTROUTING_POLICIES';
  return (a, b) => {
    const [a1, a2, b1, b2] = egressFirst
      ? [a.selector.oif, a.selector.iif, b.selector.oif, b.selector.iif]
      : [a.selector.iif, a.selector.oif, b.selector.iif, b.selector.oif];
    return compareSide(a1, b1) || compareSide(a2, b2);
  };
}

/** Every selector the reference's `template` becomes with `iface` bound beside `bound`. */
function instances(
  template: Selector,
  reference: string,
  iface: string,
  bound: readonly string[],
): Selector[] {
  const choices = (side: string | undefined) => (side === reference ? [...bound, iface] : [side]);
  const out: Selector[] = [];
  for (const iif of choices(template.iif))
    for (const oif of choices(template.oif)) {
      const s = { iif, oif };
      if (names(s).includes(iface)) out.push(s);
    }
  return out;
}

/**
 * Bind `iface` to the zone `reference` is in, beside the interfaces `bound` there already
 * (reference included), as firewalld 2.3 writes it.
 */
export function addPairInterface(
  table: NftTable,
  reference: string,
  iface: string,
  bound: readonly string[],
): void {
  if (table.chains.some((c) => c.rules.some((r) => names(selectorOf(r.text).selector).includes(iface)))) {
    throw new FirewalldZoneError(`interface "${iface}" is already bound to a zone`);
  }
  let copied = 0;
  for (const chain of table.chains) {
    if (isPolicies(chain)) {
      const groups = groupsOf(chain);
      const added: Group[] = [];
      for (const g of groups) {
        if (!names(g.selector).includes(reference)) continue;
        for (const selector of instances(g.selector, reference, iface, bound)) {
          if (added.some((a) => sameSelector(a.selector, selector))) continue;
          added.push({ selector, rest: [...g.rest] });
        }
      }
      if (added.length === 0) continue;
      copied += added.length;
      const sorted = [...groups, ...added].sort(compareGroups(chain));
      chain.rules = sorted.flatMap((g) => g.rest.map((rest) => ruleOf(ruleText(g.selector, rest))));
    } else {
      const template = chain.rules.filter((r) => names(selectorOf(r.text).selector).includes(reference));
      if (template.length === 0) continue;
      const last = chain.rules.findLastIndex((r) => names(selectorOf(r.text).selector).length > 0);
      const copies = template.map((r) => ruleOf(r.text.replaceAll(`"${reference}"`, `"${iface}"`)));
      copied += copies.length;
      chain.rules.splice(last + 1, 0, ...copies);
    }
  }
  if (copied === 0)
    throw new FirewalldZoneError(`no rule of firewalld's table names interface "${reference}"`);
}

/** Remove every rule naming `iface` on either side (firewalld's removal from its zone). */
export function removePairInterface(table: NftTable, iface: string): void {
  for (const chain of table.chains)
    chain.rules = chain.rules.filter((r) => !names(selectorOf(r.text).selector).includes(iface));
}
