/**
 * A standalone host for the model (a restored dump, a Linux router, a snapshot): its
 * live state as iptables-restore and `nft -f` would leave it on a real kernel.
 */
import type { HostState } from '../netfilter/host-types.ts';
import { parseNftRuleset } from '../netfilter/nft/parse.ts';
import type { NftRuleset } from '../netfilter/nft/types.ts';
import { emptyRuleset, parseRuleset } from '../netfilter/ruleset/index.ts';
import type { Ruleset } from '../netfilter/types.ts';
import type { StandaloneHostSpec } from './backend.ts';

export function standaloneState(spec: StandaloneHostSpec): { state: HostState; nft?: NftRuleset } {
  const ruleset = spec.rulesetText.trim()
    ? parseRuleset(spec.rulesetText, spec.file ? { file: spec.file } : {})
    : emptyRuleset(['filter', 'nat']);
  const nft = spec.nftRulesetText
    ? parseNftRuleset(spec.nftRulesetText, { file: `${spec.file ?? 'snapshot'} (nftables)` })
    : undefined;
  return {
    state: {
      // Loaded with iptables-restore: the filter built-ins it names exist and count
      // even when empty; other tables' only once they hold rules (measured on a DinD
      // host: after restoring an empty dump, a ping counts filter INPUT, not nat PREROUTING).
      firewall: [
        {
          framework: 'iptables-nft',
          family: 'ipv4',
          ruleset,
          materializedBuiltins: restoredBuiltins(ruleset),
        },
      ],
      interfaces: spec.interfaces,
      routes: spec.routes,
      sysctls: { ...spec.sysctls },
      listeners: [],
      neighbours: spec.neighbours,
      nftLazyBuiltinChains: true,
    },
    ...(nft ? { nft } : {}),
  };
}

function restoredBuiltins(ruleset: Ruleset): string[] {
  const filter = ruleset.tables.find((t) => t.name === 'filter');
  return (filter?.chains ?? []).filter((c) => c.policy !== undefined).map((c) => `filter/${c.name}`);
}
