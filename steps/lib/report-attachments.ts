/**
 * Puts what a traffic step saw into the HTML report: the packet path as SVG and the
 * counter deltas as a table (real beside model on the twin backend), judged with the
 * same exactness as `the counters match the model`.
 *
 * In the forms cucumber's HTML formatter (@cucumber/html-formatter 23) displays: a
 * picture only when base64 encoded (IDENTITY gives "Couldn't display image/svg+xml
 * image"), and any other text/* attachment as source text in a <pre>, markdown included.
 * A log (`text/x.cucumber.log+plain`) is the one text it puts into the page as HTML (its
 * ANSI colour converter does not escape markup), shown open under the step: the counter
 * table goes there, every value escaped (src/report/escape.ts). A failure summary too.
 * scripts/report.browser-test.ts checks what Chromium shows.
 */
import type { IWorld } from '@cucumber/cucumber';
import { HTTP_BYTE_TOLERANCE } from '../../src/backends/model-http.ts';
import type { TwinMismatchDetails } from '../../src/backends/twin.ts';
import type { CounterCompareOptions } from '../../src/compare/counter-compare.ts';
import { counterRows } from '../../src/compare/host-counters.ts';
import type { PathStep } from '../../src/netfilter/host-types.ts';
import { renderCounterTable } from '../../src/report/counter-table.ts';
import { type FailureSummaryInput, renderFailureSummary } from '../../src/report/failure-summary.ts';
import { renderPathSvg } from '../../src/report/path-svg.ts';
import type { Observation } from './observation.ts';
import type { StepLocation } from './step-error.ts';

interface Attachable {
  attach: IWorld['attach'];
}

type ObservationLike = Pick<Observation, 'kind' | 'description' | 'hostCounters' | 'twin' | 'path'>;

/** The exactness a step's traffic is judged with (DESIGN.md "Counter exactness"). */
export function counterOptionsFor(kind: ObservationLike['kind']): CounterCompareOptions {
  if (kind === 'ping') return { protocol: 'icmp' };
  if (kind === 'udp') return { protocol: 'udp', byteTolerance: 0 };
  return { protocol: 'tcp', byteTolerance: kind === 'http' ? HTTP_BYTE_TOLERANCE : 0 };
}

export async function attachObservation(world: Attachable, o: ObservationLike): Promise<void> {
  if (o.path && o.path.length > 0) await attachPicture(world, o.path, o.description);
  const timingExtra = o.twin?.timingExtra ?? [];
  const extra = timingExtra.length > 0 ? Math.max(...timingExtra.map((d) => d.packets)) : 0;
  const note =
    extra > 0
      ? `The real client sent ${extra} more ACK${extra > 1 ? 's' : ''} than the model's flow (delayed ACKs are timing); the model columns include ${extra > 1 ? 'them' : 'it'}.`
      : undefined;
  // On twin the step's verdict is shown as it was judged (src/backends/twin.ts), not judged again.
  const rows = counterRows(o.hostCounters);
  await attachHtml(world, renderCounterTable(rows, o.twin?.comparison, counterOptionsFor(o.kind), note));
}

/** A failed comparison: its headline, connectivity, real-vs-model counter table and ruleset diff, then the path. */
export async function attachFailureSummary(
  world: Attachable,
  input: FailureSummaryInput,
  /** What the path picture shows, e.g. `ping from container "test1" to 172.30.0.2 ×3`. */
  flow = input.step ?? input.scenario,
): Promise<void> {
  await attachHtml(world, renderFailureSummary(input));
  if (input.path && input.path.length > 0) await attachPicture(world, input.path, `the model's ${flow}`);
}

/**
 * Under the step a TwinMismatchError (src/backends/twin.ts) failed: the evidence it
 * carries, as the failure summary. Any other error, or no World to attach to: nothing.
 */
export async function attachMismatch(world: unknown, error: unknown, step?: StepLocation): Promise<void> {
  if (typeof (world as Partial<Attachable> | undefined)?.attach !== 'function') return;
  if (!(error instanceof Error) || error.name !== 'TwinMismatchError') return;
  const details = (error as Error & { details?: TwinMismatchDetails }).details;
  if (!details) return;
  await attachFailureSummary(
    world as Attachable,
    {
      scenario: `Real host and model disagree: ${details.action}`,
      ...(step ? { step: step.text, location: `${step.uri}:${step.line}` } : {}),
      message: error.message,
      backend: 'twin',
      ...(details.connectivity ? { connectivity: details.connectivity } : {}),
      ...(details.realCounters ? { realCounters: details.realCounters } : {}),
      ...(details.modelCounters ? { modelCounters: details.modelCounters } : {}),
      ...(details.counters ? { counterComparison: details.counters } : {}),
      ...(details.counterOptions ? { counterOptions: details.counterOptions } : {}),
      ...(details.ruleset && !details.ruleset.equal ? { rulesetDiff: details.ruleset.unified } : {}),
      ...(details.flow ? { path: details.flow.path } : {}),
    },
    details.action,
  );
}

/** The media type of `this.log()`: the HTML formatter renders it into the page. */
const LOG = 'text/x.cucumber.log+plain';

/** An HTML fragment (escaped values only) as a log, no line breaks between tags: the formatter shows it in a <pre>. */
async function attachHtml(world: Attachable, html: string): Promise<void> {
  await world.attach(html.replace(/>\s*\n\s*</g, '><'), LOG);
}

/** The packet path as a base64 SVG; the file name is the heading the report shows above it. */
async function attachPicture(world: Attachable, path: PathStep[], what: string): Promise<void> {
  const svg = renderPathSvg(path, { title: `Packet path: ${what}` });
  await world.attach(Buffer.from(svg, 'utf8'), {
    mediaType: 'image/svg+xml',
    fileName: `packet path of ${what}.svg`,
  });
}
