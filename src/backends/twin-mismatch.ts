/**
 * When the twin's real host and model disagree: the error that says so, with both sides
 * and the model's packet path in its message, and the data a report draws from.
 */
import { type ConnectivityDifference, describeConnectivityDifference } from '../compare/connectivity.ts';
import type {
  CounterCompareOptions,
  CounterComparison,
  CounterRowInput,
} from '../compare/counter-compare.ts';
import {
  compareNftRulesets,
  describeNftDifference,
  type NftRulesetComparison,
} from '../compare/nft-ruleset-diff.ts';
import { renderCounterComparisonText } from '../compare/render-text.ts';
import { compareRulesets, describeDifference, type RulesetComparison } from '../compare/ruleset-diff.ts';
import { type HostFirewallState, iptablesOf, nftablesOf } from '../netfilter/firewall-state.ts';
import type { FlowResult, PathStep } from '../netfilter/host-types.ts';
import { formatPath } from '../netfilter/path/format-path.ts';

export interface TwinMismatchDetails {
  /** What was being done, e.g. `ping from container "test1" to 172.30.0.2 ×3`. */
  action: string;
  connectivity?: ConnectivityDifference[];
  counters?: CounterComparison;
  counterOptions?: CounterCompareOptions;
  ruleset?: RulesetComparison;
  /** ip6tables' tables (iptables-nft, IPv6), compared once either side has them. */
  ruleset6?: RulesetComparison;
  /** Native nft tables (iptables-nft's left to `ruleset`), counters aside. */
  nftRuleset?: NftRulesetComparison;
  /** Other disagreements (addresses, exit codes, one side failing). */
  other?: string[];
  /** The model's flow, when the action sent traffic. */
  flow?: FlowResult;
  /** Every framework's rows (src/compare/host-counters.ts counterRows). */
  realCounters?: CounterRowInput[];
  modelCounters?: CounterRowInput[];
}

/** Real host and model disagree. The message shows both sides; fields carry the data for reports. */
export class TwinMismatchError extends Error {
  override name = 'TwinMismatchError';
  readonly details: TwinMismatchDetails;

  constructor(details: TwinMismatchDetails) {
    super(renderMismatch(details));
    this.details = details;
  }

  get path(): PathStep[] | undefined {
    return this.details.flow?.path;
  }
}

/**
 * The rules after a Docker action: iptables-nft's tables as iptables-save text, the native
 * nft tables as `nft list` text, counters aside on both. Undefined when they agree.
 */
export function firewallMismatch(
  action: string,
  real: HostFirewallState,
  model: HostFirewallState,
): TwinMismatchError | undefined {
  const ruleset = compareRulesets(iptablesOf(real), iptablesOf(model));
  const nftRuleset = compareNftRulesets(nftablesOf(real), nftablesOf(model));
  // ip6tables only once a scenario made IPv6 tables on a side (IPv4 scenarios compare as before).
  const hasIpv6 = (f: HostFirewallState) =>
    f.some((s) => s.framework === 'iptables-nft' && s.family === 'ipv6');
  const ruleset6 =
    hasIpv6(real) || hasIpv6(model)
      ? compareRulesets(iptablesOf(real, 'iptables-nft', 'ipv6'), iptablesOf(model, 'iptables-nft', 'ipv6'))
      : undefined;
  if (ruleset.equal && nftRuleset.equal && (ruleset6?.equal ?? true)) return undefined;
  return new TwinMismatchError({
    action,
    ...(ruleset.equal ? {} : { ruleset }),
    ...(ruleset6 && !ruleset6.equal ? { ruleset6 } : {}),
    ...(nftRuleset.equal ? {} : { nftRuleset }),
  });
}

export function renderMismatch(d: TwinMismatchDetails): string {
  const what: string[] = [];
  if (d.connectivity?.length) what.push('connectivity');
  if (d.counters && !d.counters.equal) what.push('counters');
  if (d.ruleset && !d.ruleset.equal) what.push('ruleset');
  if (d.ruleset6 && !d.ruleset6.equal) what.push('ip6tables ruleset');
  if (d.nftRuleset && !d.nftRuleset.equal) what.push('nftables ruleset');
  if (d.other?.length) what.push(...d.other.map((o) => o.split(':')[0] ?? o));
  const out = [`real host and model disagree after ${d.action} (${what.join(', ')})`];
  if (d.other?.length) out.push('', ...d.other.map((o) => `  ${o}`));
  if (d.connectivity?.length) {
    out.push('', 'connectivity:', ...d.connectivity.map((c) => `  ${describeConnectivityDifference(c)}`));
  }
  if (d.counters && !d.counters.equal) {
    const rule = d.counters.mismatches[0];
    const mode =
      d.counterOptions?.protocol === 'tcp' || d.counterOptions?.protocol === 'udp'
        ? `${d.counterOptions.protocol}: packets exact, filter bytes ±${d.counterOptions.byteTolerance ?? 0}, nat exact`
        : 'packets and bytes exact';
    // iptables rows carry their chain in the text (`-A FORWARD …`); native nft rows do not.
    const where = rule && /\s/.test(rule.table) ? `${rule.table} ${rule.chain}:` : rule?.table;
    out.push('', `counters (${mode}); first disagreement: ${where} ${rule?.text}`);
    out.push(indent(renderCounterComparisonText(d.counters)));
  }
  if (d.ruleset && !d.ruleset.equal) {
    out.push('', 'ruleset:', ...d.ruleset.differences.map((x) => `  ${describeDifference(x)}`), '');
    out.push(indent(d.ruleset.unified));
  }
  if (d.ruleset6 && !d.ruleset6.equal) {
    out.push(
      '',
      'ip6tables ruleset:',
      ...d.ruleset6.differences.map((x) => `  ${describeDifference(x)}`),
      '',
    );
    out.push(indent(d.ruleset6.unified));
  }
  if (d.nftRuleset && !d.nftRuleset.equal) {
    out.push(
      '',
      'nftables ruleset (native tables, counters aside):',
      ...d.nftRuleset.differences.map((x) => `  ${describeNftDifference(x)}`),
      '',
    );
    out.push(indent(d.nftRuleset.unified));
  }
  if (d.flow) out.push('', "the model's packet path:", indent(formatPath(d.flow).trimEnd()));
  return out.join('\n');
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');

/**
 * The same firewall with each native nft chain's rules sorted: for waiting on a state whose
 * order within chains the model learns only afterwards (firewalld reload on Docker 28+).
 */
export function chainsInAnyOrder(firewall: HostFirewallState): HostFirewallState {
  return firewall.map((s) =>
    s.framework !== 'nftables'
      ? s
      : {
          ...s,
          ruleset: {
            ...s.ruleset,
            tables: s.ruleset.tables.map((t) => ({
              ...t,
              chains: t.chains.map((c) => ({
                ...c,
                rules: [...c.rules].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0)),
              })),
            })),
          },
        },
  );
}
