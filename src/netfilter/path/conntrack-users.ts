/**
 * Whether connection tracking runs for a family at all. The kernel registers conntrack's
 * hooks in a network namespace only while some rule needs them (nf_ct_netns_get, taken by
 * the rule's match, target or expression when it is added): a NAT target, a conntrack or
 * state match, CT, CONNMARK… in iptables, a `ct` expression or a nat statement in nft. A
 * nat chain alone does not: without conntrack the nat hook has no entry to bind and its
 * chains never run. Measured on a 28.5 kernel: an internal IPv6 network (ip6tables with
 * no NAT and no conntrack match) bridges a ping through filter FORWARD while ip6 nat
 * PREROUTING, whose chain exists, counts nothing and `conntrack -L -f ipv6` stays empty.
 */
import type { NftRuleset, NftStatementBody } from '../nft/types.ts';
import type { Ruleset } from '../types.ts';

/** Matches whose checkentry takes conntrack (xt_conntrack, xt_state, xt_connmark …). */
const CONNTRACK_MATCHES = new Set([
  'conntrack',
  'state',
  'connmark',
  'connlimit',
  'connbytes',
  'connlabel',
  'helper',
  'cluster',
  'ipvs',
]);

/** Targets whose checkentry takes conntrack (NAT, CT, CONNMARK, SYNPROXY). */
const CONNTRACK_TARGETS = new Set([
  'MASQUERADE',
  'SNAT',
  'DNAT',
  'REDIRECT',
  'NETMAP',
  'CT',
  'CONNMARK',
  'CONNSECMARK',
  'SYNPROXY',
]);

/** Does any rule of an iptables ruleset (one family) need conntrack? */
export function iptablesUsesConntrack(ruleset: Ruleset | undefined): boolean {
  if (!ruleset) return false;
  for (const table of ruleset.tables) {
    for (const chain of table.chains) {
      for (const rule of chain.rules) {
        const target = rule.spec.target?.name;
        if (target !== undefined && CONNTRACK_TARGETS.has(target)) return true;
        if (rule.spec.matches.some((m) => CONNTRACK_MATCHES.has(m.name))) return true;
      }
    }
  }
  return false;
}

function statementUsesConntrack(s: NftStatementBody): boolean {
  switch (s.kind) {
    case 'nat':
      return true;
    case 'match':
    case 'vmap':
      return /^ct\b/.test(s.selector);
    case 'unsupported':
      return /^(ct\b|notrack\b|flow\b|synproxy\b)/.test(s.text);
    default:
      return false;
  }
}

/** Does any rule of a native table that sees `family` (ip/ip6, or inet) need conntrack? */
export function nftUsesConntrack(ruleset: NftRuleset | undefined, family: 'ipv4' | 'ipv6'): boolean {
  if (!ruleset) return false;
  const own = family === 'ipv6' ? 'ip6' : 'ip';
  for (const table of ruleset.tables) {
    if (table.family !== own && table.family !== 'inet') continue;
    for (const chain of table.chains) {
      for (const rule of chain.rules) {
        if (rule.statements.some((s) => statementUsesConntrack(s))) return true;
      }
    }
  }
  return false;
}
