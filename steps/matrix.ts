/**
 * `Then the reachability is:` — a whole network contract in one table (issue 24): every
 * source (first column) to every destination (header) probed in one step, the model's
 * prediction and, on real hosts, the probes in parallel (src/matrix/step-probe.ts). The
 * step asserts no counters; it zeroes them on every side when it is done and leaves no
 * observation behind, so a counter step needs a traffic step of its own after it.
 */
import { type DataTable, Then } from '@cucumber/cucumber';
import debug from 'debug';
import type { Actor, Backend } from '../src/backends/backend.ts';
import { explainPath } from '../src/matrix/deciding.ts';
import { formatVerdict } from '../src/matrix/header.ts';
import type { ProbeTarget } from '../src/matrix/probe-real.ts';
import { addressSeenBy, type ProbedCell, probeCells } from '../src/matrix/step-probe.ts';
import { type CellJudgement, judgeStep, ruleWords } from '../src/matrix/step-report.ts';
import { parseStepTable, type StepTable } from '../src/matrix/step-table.ts';
import {
  type Destination,
  EXTERNAL_WORD,
  HOST_WORD,
  MatrixSyntaxError,
  NEIGHBOUR_WORD,
  type Source,
} from '../src/matrix/types.ts';
import { escapeXml } from '../src/report/escape.ts';
import { renderPathSvg } from '../src/report/path-svg.ts';
import type { NettwinWorld } from './world.ts';

const log = debug('nettwin:matrix');

async function actorOf(world: NettwinWorld, s: Source): Promise<Actor> {
  if (s.kind !== 'container') return { kind: s.kind };
  return world.actor(s.name);
}

/**
 * A destination's address: a container's, a literal, the host's eth0, the external
 * client's, the neighbour's (192.168.70.10: a LAN machine that routes the container
 * subnets via the host, so what a container sends it comes back even unmasqueraded).
 */
async function addressOf(world: NettwinWorld, backend: Backend, d: Destination): Promise<string> {
  if (d.to === HOST_WORD) return world.expandHostIp('<host ip>');
  if (d.to === EXTERNAL_WORD) return backend.resolveAddress('external');
  if (d.to === NEIGHBOUR_WORD) return backend.resolveAddress('neighbour');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(d.to)) return d.to;
  return world.addressOf(d.to);
}

/**
 * Every cell's packet path in one text attachment (one line in a terminal's failure
 * output, not one per cell), and a picture of each cell that differs.
 */
async function attachPaths(
  world: NettwinWorld,
  table: StepTable,
  probed: readonly ProbedCell[],
  judged: readonly CellJudgement[],
): Promise<void> {
  const text: string[] = [];
  for (const [i, c] of table.cells.entries()) {
    const model = probed[i]?.model;
    if (!model) continue;
    const what = `${table.sources[c.row]} → ${table.destinations[c.column]}`;
    text.push(
      `${what}: ${model.verdict}, decided by ${ruleWords(model.rule, model.reason)}`,
      ...explainPath(model.path),
      '',
    );
    const j = judged[i];
    if (!j || (j.expectedOk && j.twinOk) || model.path.length === 0) continue;
    const title = `Packet path: ${what} (the model: ${formatVerdict(model.verdict)}; ${ruleWords(model.rule, model.reason)})`;
    await world.attach(Buffer.from(renderPathSvg(model.path, { title }), 'utf8'), {
      mediaType: 'image/svg+xml',
      fileName: `packet path of ${what}.svg`,
    });
  }
  if (text.length > 0)
    await world.attach(text.join('\n'), {
      // Not text/plain: a terminal would print it whole under the step; the report shows it in a <pre>.
      mediaType: 'text/markdown',
      fileName: 'packet paths of the reachability matrix',
    });
}

Then('the reachability is:', async function (this: NettwinWorld, dataTable: DataTable) {
  const backend = await this.activeBackend();
  const hostIp = dataTable.raw()[0]?.some((w) => w.includes('<host ip>'))
    ? await this.expandHostIp('<host ip>')
    : undefined;
  let table: StepTable;
  try {
    table = parseStepTable(dataTable.raw(), (w) => (hostIp ? w.replaceAll('<host ip>', hostIp) : w));
  } catch (error) {
    if (error instanceof MatrixSyntaxError) this.fail(error.message, error);
    throw error;
  }
  const targets: ProbeTarget[] = [];
  for (const c of table.cells) {
    const from = await actorOf(this, c.source);
    const to = c.destination.to;
    // Container to container: the address its name gives the sender (a network they share).
    const seen =
      from.kind === 'container' && this.containers.has(this.names.containers.get(to) ?? to)
        ? addressSeenBy(backend, from.name, this.knownContainer(to).name)
        : undefined;
    targets.push({
      from,
      address: seen ?? (await addressOf(this, backend, c.destination)),
      port: c.destination.port,
      proto: c.destination.proto,
    });
  }
  const started = performance.now();
  const probed = await probeCells(backend, targets);
  const took = `${targets.length} cells probed on ${backend.name} in ${((performance.now() - started) / 1000).toFixed(1)} s`;
  log(took);
  // The probes counted packets on both sides: no later step may read them as its own.
  await backend.zeroCounters();
  this.observation = undefined;
  const verdict = judgeStep(table, probed, backend.name);
  await attachPaths(this, table, probed, verdict.cells);
  if (verdict.failed) this.fail(`${verdict.text}\n(${took})`);
  // A log is HTML in the report (lib/report-attachments.ts): `<host ip>` must be escaped.
  this.log(escapeXml(`${verdict.text}\n(${took})`));
});
