/** What Docker wrote into iptables: ordered rule listings, policies, real vs model. */
import { Then } from '@cucumber/cucumber';
import { compareRulesets } from '../src/compare/index.ts';
import { iptablesOf, nftablesOf } from '../src/netfilter/firewall-state.ts';
import type { TableName } from '../src/netfilter/types.ts';
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
Then(/^the (\w+) table contains:$/, async function (this: NettwinWorld, tableText: string, listing: string) {
  const table = (await this.tableOf('', tableText)) as TableName;
  const actual = tableRuleLines(await this.ruleset(), table);
  const result = findOrderedLines(actual, ruleLines(this, listing));
  if (!result.ok) {
    const where = result.afterLine ? ` after "${result.afterLine}"` : '';
    this.fail(
      `the ${table} table lacks "${result.missing}"${where} (listed lines must appear in this order).\n` +
        `The ${table} table holds:\n  ${actual.join('\n  ')}`,
    );
  }
});

Then(
  /^the (\w+) table does not contain "(.+)"$/,
  async function (this: NettwinWorld, tableText: string, written: string) {
    const table = (await this.tableOf('', tableText)) as TableName;
    const line = this.withNetworks(written);
    if (tableRuleLines(await this.ruleset(), table).includes(normalizeRuleLine(line))) {
      this.fail(`the ${table} table still contains "${line}"`);
    }
  },
);

// A rule Docker must not write twice (after a restart, a reconnect …).
Then(
  /^the (\w+) table contains "(.+)" exactly once$/,
  async function (this: NettwinWorld, tableText: string, written: string) {
    const table = (await this.tableOf('', tableText)) as TableName;
    const line = normalizeRuleLine(this.withNetworks(written));
    const actual = tableRuleLines(await this.ruleset(), table);
    const times = actual.filter((l) => l === line).length;
    if (times !== 1) {
      this.fail(
        `the ${table} table contains "${line}" ${times} times; expected exactly once.\n` +
          `The ${table} table holds:\n  ${actual.join('\n  ')}`,
      );
    }
  },
);

Then(
  /^the (\w+) table's ([A-Z]+) policy is (ACCEPT|DROP)$/,
  async function (this: NettwinWorld, tableText: string, chain: string, policy: string) {
    const table = (await this.tableOf('', tableText)) as TableName;
    const found = (await this.ruleset()).tables
      .find((t) => t.name === table)
      ?.chains.find((c) => c.name === chain);
    if (found?.policy !== policy)
      this.fail(`${table} ${chain} policy is ${found?.policy ?? 'missing'}; expected ${policy}`);
  },
);

Then('the ruleset matches the model', async function (this: NettwinWorld) {
  const backend = await this.activeBackend();
  if (this.backendName !== 'twin') return comparisonSkipped(this, 'the ruleset');
  const model = backend.model ?? this.fail('the twin backend has no model side (Backend.model)');
  const [real, predicted] = await Promise.all([backend.readRuleset(), model.readRuleset()]);
  const comparison = compareRulesets(iptablesOf(real), iptablesOf(predicted));
  if (!comparison.equal) this.fail(`real and model rulesets differ:\n${comparison.unified}`);
});

/**
 * Native nft tables (`nft list ruleset` less iptables-nft's own): the listed rules are
 * in their chains in this order, others may sit between (lib/nft-lines.ts).
 */
Then('the nftables ruleset contains:', async function (this: NettwinWorld, listing: string) {
  const missing = missingFromNftListing(nftablesOf(await this.firewall()), this.withNetworks(listing));
  if (missing) this.fail(`the nftables ruleset: ${missing}`);
});
