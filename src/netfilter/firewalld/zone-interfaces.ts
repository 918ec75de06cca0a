/**
 * What firewalld (2.x, nftables backend) writes into `table inet firewalld` when an
 * interface joins or leaves a zone, as recorded on a real host (fixtures/nft/firewalld/):
 * every dispatch chain (`…_dispatch`, `…_dispatch_stage2`) gets one rule per interface
 * (`iifname "br-…" jump mangle_PRE_docker_dispatch`), kept in interface-name order before the
 * chain's catch-all; other chains that name the zone's interfaces (Docker's
 * `filter_FWD_docker_allow`: `oifname "docker0" accept`) get theirs appended.
 *
 * The new interface's rules are copies of a reference interface's (one already in the
 * zone: docker0 for Docker's zone), so whatever firewalld wrote for that one, the new
 * one gets, in the same chains.
 */
import { parseNftRuleText } from '../nft/statements.ts';
import type { NftRule, NftTable } from '../nft/types.ts';

export class FirewalldZoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FirewalldZoneError';
  }
}

const INTERFACE_RULE = /^(iifname|oifname) "([^"]+)" /;

function interfaceOf(rule: NftRule): string | undefined {
  return INTERFACE_RULE.exec(rule.text)?.[2];
}

function isDispatch(chain: string): boolean {
  return /_dispatch(_stage2)?$/.test(chain);
}

function ruleOf(text: string): NftRule {
  return { text, statements: parseNftRuleText(text) };
}

/** Give `iface` the rules `reference` has in `table` (firewalld's table), where firewalld puts them. */
export function addZoneInterface(table: NftTable, reference: string, iface: string): void {
  if (iface === reference || table.chains.some((c) => c.rules.some((r) => interfaceOf(r) === iface))) {
    throw new FirewalldZoneError(`interface "${iface}" is already bound to a zone`);
  }
  let copied = 0;
  for (const chain of table.chains) {
    const template = chain.rules.filter((r) => interfaceOf(r) === reference);
    for (const rule of template) {
      const copy = ruleOf(rule.text.replace(`"${reference}"`, `"${iface}"`));
      copied++;
      if (isDispatch(chain.name)) {
        // Interface rules in name order, before the first rule that is not one (the catch-all).
        let at = chain.rules.findIndex((r) => {
          const other = interfaceOf(r);
          return other === undefined || other > iface;
        });
        if (at < 0) at = chain.rules.length;
        chain.rules.splice(at, 0, copy);
      } else {
        const last = chain.rules.findLastIndex((r) => interfaceOf(r) !== undefined);
        chain.rules.splice(last + 1, 0, copy);
      }
    }
  }
  if (copied === 0)
    throw new FirewalldZoneError(`no rule of firewalld's table names interface "${reference}"`);
}

/** Remove every rule naming `iface` (firewalld's removal of an interface from its zone). */
export function removeZoneInterface(table: NftTable, iface: string): void {
  for (const chain of table.chains) chain.rules = chain.rules.filter((r) => interfaceOf(r) !== iface);
}

/**
 * Docker 28+ binds its bridges again after a reload in Go map order, which no model can
 * know: take `real`'s order of the interface rules in the chains firewalld appends to (the
 * dispatch chains are in name order anyway). Only where `real` holds the same rules in
 * another order; anything else stays, for the comparison to show.
 */
export function adoptAppendOrder(table: NftTable, real: NftTable): void {
  for (const chain of table.chains) {
    if (isDispatch(chain.name)) continue;
    const theirs = real.chains.find((c) => c.name === chain.name);
    if (!theirs) continue;
    const mine = chain.rules.filter((r) => interfaceOf(r) !== undefined).map((r) => r.text);
    const order = theirs.rules.filter((r) => interfaceOf(r) !== undefined).map((r) => r.text);
    if (mine.length !== order.length || [...mine].sort().join('\n') !== [...order].sort().join('\n'))
      continue;
    let k = 0;
    chain.rules = chain.rules.map((r) => (interfaceOf(r) === undefined ? r : ruleOf(order[k++] as string)));
  }
}

/** Interfaces bound in the table, in the order of the first chain naming them (dispatch order). */
export function zoneInterfaces(table: NftTable): string[] {
  const seen = new Set<string>();
  for (const chain of table.chains)
    for (const r of chain.rules) {
      const name = interfaceOf(r);
      if (name) seen.add(name);
    }
  return [...seen];
}
