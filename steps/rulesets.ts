/** What Docker wrote into iptables: ordered rule listings, policies, real vs model. */
import { Then } from '@cucumber/cucumber';
import { compareRulesets } from '../src/compare/index.ts';
import { type HostFirewallState, iptablesOf, nftablesOf } from '../src/netfilter/firewall-state.ts';
import { comparisonSkipped } from './lib/comparison.ts';
import { missingFromNftListing } from './lib/nft-lines.ts';
import { findOrderedLines, normalizeRuleLine, tableRuleLines } from './lib/rule-lines.ts';
import type { NettwinWorld } from './world.ts';

/** The listing's rule lines, `<bridge of "n">` and `<subnet of "n">` filled in (NettwinWorld.withNetworks). */
function ruleLines(world: NettwinWorld, text: string): string[] {
  return world
    .withNetworks(text)
    .split('\n')
    .map(normalizeRuleLine)
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * The listed `-A` lines appear in the table in this order; other rules may sit between
 * them (an ordered subsequence, not a contiguous block).
 */
Then(
  /^the ((?:ip6? )?\w+) table contains:$/,
  async function (this: NettwinWorld, tableText: string, listing: string) {
    const { table, family } = await this.tableOf('', tableText);
    const actual = tableRuleLines(await this.ruleset(family), table);
    const result = findOrderedLines(actual, ruleLines(this, listing));
    if (!result.ok) {
      const where = result.afterLine ? ` after "${result.afterLine}"` : '';
      this.fail(
        `the ${tableText} table lacks "${result.missing}"${where} (listed lines must appear in this order).\n` +
          `The ${tableText} table holds:\n  ${actual.join('\n  ')}`,
      );
    }
  },
);

Then(
  /^the ((?:ip6? )?\w+) table does not contain "(.+)"$/,
  async function (this: NettwinWorld, tableText: string, written: string) {
    const { table, family } = await this.tableOf('', tableText);
    const line = this.withNetworks(written);
    if (tableRuleLines(await this.ruleset(family), table).includes(normalizeRuleLine(line))) {
      this.fail(`the ${tableText} table still contains "${line}"`);
    }
  },
);

// A rule Docker must not write twice (after a restart, a reconnect …).
Then(
  /^the ((?:ip6? )?\w+) table contains "(.+)" exactly once$/,
  async function (this: NettwinWorld, tableText: string, written: string) {
    const { table, family } = await this.tableOf('', tableText);
    const line = normalizeRuleLine(this.withNetworks(written));
    const actual = tableRuleLines(await this.ruleset(family), table);
    const times = actual.filter((l) => l === line).length;
    if (times !== 1) {
      this.fail(
        `the ${tableText} table contains "${line}" ${times} times; expected exactly once.\n` +
          `The ${tableText} table holds:\n  ${actual.join('\n  ')}`,
      );
    }
  },
);

Then(
  /^the ((?:ip6? )?\w+) table's ([A-Z]+) policy is (ACCEPT|DROP)$/,
  async function (this: NettwinWorld, tableText: string, chain: string, policy: string) {
    const { table, family } = await this.tableOf('', tableText);
    const found = (await this.ruleset(family)).tables
      .find((t) => t.name === table)
      ?.chains.find((c) => c.name === chain);
    if (found?.policy !== policy)
      this.fail(`${tableText} ${chain} policy is ${found?.policy ?? 'missing'}; expected ${policy}`);
  },
);

Then('the ruleset matches the model', async function (this: NettwinWorld) {
  const backend = await this.activeBackend();
  if (this.backendName !== 'twin') return comparisonSkipped(this, 'the ruleset');
  const model = backend.model ?? this.fail('the twin backend has no model side (Backend.model)');
  const [real, predicted] = await Promise.all([backend.readRuleset(), model.readRuleset()]);
  const comparison = compareRulesets(iptablesOf(real), iptablesOf(predicted));
  if (!comparison.equal) this.fail(`real and model rulesets differ:\n${comparison.unified}`);
  // ip6tables too, once either side has IPv6 tables (a network created with IPv6).
  const hasIpv6 = (f: HostFirewallState) =>
    f.some((s) => s.framework === 'iptables-nft' && s.family === 'ipv6');
  if (!hasIpv6(real) && !hasIpv6(predicted)) return;
  const ipv6 = compareRulesets(
    iptablesOf(real, 'iptables-nft', 'ipv6'),
    iptablesOf(predicted, 'iptables-nft', 'ipv6'),
  );
  if (!ipv6.equal) this.fail(`real and model ip6tables rulesets differ:\n${ipv6.unified}`);
});

/**
 * Native nft tables (`nft list ruleset` less iptables-nft's own): the listed rules are
 * in their chains in this order, others may sit between (lib/nft-lines.ts).
 */
Then('the nftables ruleset contains:', async function (this: NettwinWorld, listing: string) {
  const missing = missingFromNftListing(nftablesOf(await this.firewall()), this.withNetworks(listing));
  if (missing) this.fail(`the nftables ruleset: ${missing}`);
});
