/**
 * The first screen of a failed run's report: what failed and where, in one sentence;
 * then the evidence in the order a reader needs it — connectivity differences, the
 * counter rows that disagree (a real table), the ruleset diff. The model's packet path
 * is a picture of its own, attached after it (steps/lib/report-attachments.ts), since
 * the report shows pictures only as images.
 */
import type { ConnectivityDifference } from '../compare/connectivity.ts';
import { describeConnectivityDifference } from '../compare/connectivity.ts';
import type {
  CounterCompareOptions,
  CounterComparison,
  CounterRowInput,
} from '../compare/counter-compare.ts';
import type { PathStep } from '../netfilter/host-types.ts';
import { renderCounterTable } from './counter-table.ts';
import { escapeXml } from './escape.ts';

export interface FailureSummaryInput {
  /** Scenario name. */
  scenario: string;
  /** The step text that failed, e.g. `When "test1" pings "test3" 3 times`. */
  step?: string;
  /** `features/isolation.feature:12`. */
  location?: string;
  /** The error message (first line is the headline). */
  message: string;
  backend?: string;
  connectivity?: ConnectivityDifference[];
  realCounters?: CounterRowInput[];
  modelCounters?: CounterRowInput[];
  /** The comparison already made of them (the twin's), shown as judged. */
  counterComparison?: CounterComparison;
  counterOptions?: CounterCompareOptions;
  /** Unified diff from compareRulesets (`--- real` / `+++ model`). */
  rulesetDiff?: string;
  /** The model's packet path: drawn as a picture of its own, below the summary. */
  path?: PathStep[];
}

const H2 = 'font-family:sans-serif;font-size:15px;margin:16px 0 6px';
// white-space: the report shows the summary inside a <pre> (report-attachments.ts).
const PRE =
  'font-family:monospace;font-size:12px;background:#fafafa;border:1px solid #ddd;padding:8px;overflow:auto';

export function renderFailureSummary(input: FailureSummaryInput): string {
  const [headline, ...rest] = input.message.split('\n');
  const out: string[] = [
    '<section class="nettwin-failure" style="font-family:sans-serif;white-space:normal">',
  ];
  out.push(
    `<h1 style="font-size:18px;color:#b71c1c;margin:0 0 6px">✗ ${escapeXml(input.scenario)}${
      input.backend ? ` <small style="color:#555">(${escapeXml(input.backend)} backend)</small>` : ''
    }</h1>`,
  );
  if (input.step || input.location) {
    out.push(
      `<p style="margin:0 0 6px">Failed at <code>${escapeXml(input.step ?? '')}</code>${
        input.location ? ` — <code>${escapeXml(input.location)}</code>` : ''
      }</p>`,
    );
  }
  out.push(`<p style="margin:0 0 6px;font-weight:bold">${escapeXml(headline ?? '')}</p>`);
  if (rest.some((l) => l.trim() !== '')) {
    out.push(
      `<details><summary>Full message</summary><pre style="${PRE}">${escapeXml(rest.join('\n'))}</pre></details>`,
    );
  }
  if (input.connectivity && input.connectivity.length > 0) {
    out.push(`<h2 style="${H2}">Connectivity: real host vs model</h2><ul>`);
    for (const d of input.connectivity) out.push(`<li>${escapeXml(describeConnectivityDifference(d))}</li>`);
    out.push('</ul>');
  }
  if (input.realCounters) {
    out.push(`<h2 style="${H2}">Counters (rows that disagree first)</h2>`);
    out.push(
      renderCounterTable(
        input.realCounters,
        input.counterComparison ?? input.modelCounters,
        input.counterOptions,
      ),
    );
  }
  if (input.rulesetDiff) {
    out.push(`<h2 style="${H2}">Ruleset: real host (−) vs model (+)</h2>`);
    out.push(`<pre style="${PRE}">${escapeXml(input.rulesetDiff)}</pre>`);
  }
  if (input.path && input.path.length > 0) {
    out.push(`<h2 style="${H2}">The model's packet path: the picture below</h2>`);
  }
  out.push('</section>');
  return out.join('\n');
}
