/**
 * Counter assertions read the deltas of the last traffic step (counters are zeroed
 * before it). Exact numbers belong only to features whose expectation comes from a
 * real recording; elsewhere, `the counters match the model`: on the twin backend, the
 * real and model deltas of every traffic step of the scenario so far; on the others,
 * skipped (there is one side only), which is why it ends a scenario.
 */
import { AfterStep, type DataTable, Then } from '@cucumber/cucumber';
import { renderCounterComparisonText } from '../src/compare/index.ts';
import { parseNftRowLabel } from '../src/netfilter/firewall-state.ts';
import { comparisonSkipped } from './lib/comparison.ts';
import type { NettwinWorld, Observation } from './world.ts';

// Cucumber turns a regexp group written `(\d+)` into a number (it matches {int}).
function count(
  world: NettwinWorld,
  value: string | number | null | undefined,
  what: string,
): number | undefined {
  if (value == null || String(value).trim() === '') return undefined;
  const text = String(value).trim();
  if (!/^\d+$/.test(text)) world.fail(`${what} "${text}" is not a whole number`);
  return Number(text);
}

/** The traffic steps of each scenario so far, in order (a world lives for one scenario). */
const trafficSteps = new WeakMap<NettwinWorld, Observation[]>();

AfterStep(function (this: NettwinWorld) {
  const o = this.observation;
  if (!o) return;
  const seen = trafficSteps.get(this) ?? [];
  if (seen.at(-1) !== o) seen.push(o);
  trafficSteps.set(this, seen);
});

Then('the counters match the model', function (this: NettwinWorld) {
  const last = this.lastObservation();
  const all = trafficSteps.get(this) ?? [last];
  const what =
    all.length === 1 ? `the counters of ${last.description}` : `the counters of ${all.length} traffic steps`;
  if (this.backendName !== 'twin') return comparisonSkipped(this, what);
  const differences: string[] = [];
  for (const o of all) {
    // A step that failed before it sent (a name that did not resolve) has no model side.
    if (o.error) continue;
    // The verdict the twin reached for that step, on every framework (src/backends/twin.ts):
    // ICMP exact; HTTP bytes within the tolerance for other curl/busybox builds; nc payloads exact.
    const comparison =
      o.twin?.comparison ?? this.fail(`the twin backend returned no model side for ${o.description}`);
    if (!comparison.equal)
      differences.push(`after ${o.description}:\n${renderCounterComparisonText(comparison)}`);
  }
  if (differences.length > 0) this.fail(`real and model counters differ ${differences.join('\n\n')}`);
});

// `rule "-A …" counted 3 packets`, `… counted 3 packets and 252 bytes`, `rule "…" in table nat counted 1 packet`
Then(
  /^rule "(.+)"(?: in table ((?:ip6? )?\w+))? counted (\d+) packets?(?: and (\d+) bytes)?(?: in table ((?:ip6? )?\w+))?$/,
  async function (
    this: NettwinWorld,
    rule: string,
    tableBefore: string | null,
    packets: number,
    bytes: number | null,
    tableAfter: string | null,
  ) {
    const table = await this.tableOf(rule, tableBefore ?? tableAfter ?? undefined);
    this.expectCounted(table, rule, Number(packets), count(this, bytes, 'bytes'));
  },
);

Then(
  /^rule "(.+)"(?: in table ((?:ip6? )?\w+))? counted nothing$/,
  async function (this: NettwinWorld, rule: string, table: string | null) {
    this.expectCounted(await this.tableOf(rule, table ?? undefined), rule, 0, 0);
  },
);

Then(
  /^the ((?:ip6? )?\w+) table's ([A-Z]+) policy counted (\d+) packets?(?: and (\d+) bytes)?$/,
  async function (this: NettwinWorld, table: string, chain: string, packets: number, bytes: number | null) {
    const t = await this.tableOf(`:${chain}`, table);
    this.expectCounted(t, `:${chain}`, Number(packets), count(this, bytes, 'bytes'));
  },
);

// `rule "inet filter forward: ct state new accept" counted 3 packets`: a native nft rule.
Then(
  /^nft rule "(.+)" counted (\d+) packets?(?: and (\d+) bytes)?$/,
  function (this: NettwinWorld, label: string, packets: number, bytes: number | null) {
    const rule =
      parseNftRowLabel(label) ??
      this.fail(
        `"${label}" does not name an nft rule; write FAMILY TABLE CHAIN: RULE (inet filter forward: …)`,
      );
    this.expectNftCounted(rule, Number(packets), count(this, bytes, 'bytes'));
  },
);

// | table | rule | packets | bytes |   (table may be empty: inferred; `ip6 filter` for ip6tables; bytes optional)
// A native nft rule is a row whose rule reads `inet filter forward: ct state new accept`.
Then('these rules counted packets:', async function (this: NettwinWorld, table: DataTable) {
  for (const row of table.hashes() as Record<string, string | undefined>[]) {
    const rule = row.rule?.trim() || this.fail('every row needs a "rule" column');
    const packets = count(this, row.packets, 'packets') ?? this.fail(`row "${rule}" needs a packets value`);
    const nft = rule.startsWith('-A ') || rule.startsWith(':') ? undefined : parseNftRowLabel(rule);
    if (nft) {
      if (row.table?.trim()) this.fail(`row "${rule}" names its nft table in the rule; leave "table" empty`);
      this.expectNftCounted(nft, packets, count(this, row.bytes, 'bytes'));
      continue;
    }
    const t = rule.startsWith(':')
      ? await this.tableOf(rule, row.table?.trim() || 'filter')
      : await this.tableOf(rule, row.table?.trim() || undefined);
    this.expectCounted(t, rule, packets, count(this, row.bytes, 'bytes'));
  }
});
