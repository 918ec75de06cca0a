/**
 * What an upgrade changes in a scenario's reachability, on the model only: the scenario's
 * recorded Docker actions replayed on two fresh models (its own Docker version and the
 * target), the same plan of cells probed on each (plan.ts, probe.ts), and the cells whose
 * verdict differs (diff.ts). Then the changes a step's table expects, compared with them.
 */
import type { ContainerOptions } from '../backends/backend.ts';
import { createModelBackend } from '../backends/model.ts';
import { type CellChange, diffMatrices } from './diff.ts';
import {
  cellMatches,
  type Expected,
  formatDestination,
  formatSource,
  formatVerdict,
  parseDestination,
  parseExpected,
  parseSource,
} from './header.ts';
import { modelHostView } from './model-view.ts';
import { planCells } from './plan.ts';
import { probeCells } from './probe.ts';
import { type RecordedAction, replayActions } from './replay.ts';
import { cellKey, type Destination, type Matrix, MatrixSyntaxError, NEIGHBOUR_WORD } from './types.ts';

/** How each container was run, by Docker name (the last run wins: a name may be reused). */
export function runOptions(actions: readonly RecordedAction[]): Map<string, ContainerOptions> {
  const out = new Map<string, ContainerOptions>();
  for (const a of actions)
    if (a.method === 'runContainer') {
      const o = a.args[0] as ContainerOptions;
      out.set(o.name, o);
    }
  return out;
}

/** What the upgrade's matrix probes beyond the plan's defaults. */
export interface UpgradeOptions {
  /** The neighbour's cells too (it routes the container subnets via the host: plan.ts). */
  neighbour?: boolean;
}

/** The matrix of the scenario's host under `dockerVersion`. `labels`: Docker name → the matrix's word. */
export async function replayedMatrix(
  actions: readonly RecordedAction[],
  dockerVersion: string,
  labels: ReadonlyMap<string, string>,
  options: UpgradeOptions = {},
): Promise<Matrix> {
  const model = createModelBackend();
  try {
    await replayActions(actions, model, { dockerVersion });
    const ran = runOptions(actions);
    const named = new Map([...ran.keys()].map((name) => [name, labels.get(name) ?? name]));
    const directRouting = actions.some((a) => a.method === 'routeViaHost');
    const view = modelHostView(model, named, ran, directRouting, options.neighbour === true);
    return { cells: await probeCells(model, planCells(view)) };
  } finally {
    await model.dispose();
  }
}

export async function upgradeChanges(
  actions: readonly RecordedAction[],
  versions: { from: string; to: string },
  labels: ReadonlyMap<string, string>,
  options: UpgradeOptions = {},
): Promise<CellChange[]> {
  const before = await replayedMatrix(actions, versions.from, labels, options);
  const after = await replayedMatrix(actions, versions.to, labels, options);
  return diffMatrices(before, after);
}

/** One row of the step's table: a cell and what it is before and after. */
export interface ExpectedChange extends Destination {
  from: string;
  before: Expected;
  after: Expected;
}

/**
 * `| from | to | before | after |` rows (DataTable.hashes()); `expandTo` rewrites a `to`
 * word first (`<host ip>`). Errors name the row.
 */
export function parseExpectedChanges(
  rows: readonly Record<string, string>[],
  expandTo = (w: string) => w,
): ExpectedChange[] {
  return rows.map((row, i) => {
    const where = `row ${i + 2}`;
    for (const column of ['from', 'to', 'before', 'after'])
      if (row[column] === undefined)
        throw new MatrixSyntaxError(
          `the table needs the columns from, to, before, after (${where} has no "${column}")`,
        );
    try {
      const from = formatSource(parseSource((row.from as string).replace(/^"|"$/g, '')));
      return {
        from,
        ...parseDestination(expandTo(row.to as string)),
        before: parseExpected(row.before as string),
        after: parseExpected(row.after as string),
      };
    } catch (error) {
      if (error instanceof MatrixSyntaxError) throw new MatrixSyntaxError(`${where}: ${error.message}`);
      throw error;
    }
  });
}

/**
 * Does a table of expected changes name the neighbour (a row from it or to it)? Then the
 * upgrade probes the neighbour's cells too; a table without it keeps the plan as it was.
 */
export function namesNeighbour(expected: readonly ExpectedChange[]): boolean {
  return expected.some((e) => e.from === NEIGHBOUR_WORD || e.to === NEIGHBOUR_WORD);
}

/** What differs between the expected changes and the changes: empty when they agree. */
export function compareChanges(
  expected: readonly ExpectedChange[],
  changes: readonly CellChange[],
): string[] {
  const problems: string[] = [];
  const byKey = new Map(changes.map((c) => [cellKey(c), c]));
  const expectedKeys = new Set<string>();
  for (const e of expected) {
    const key = cellKey(e);
    expectedKeys.add(key);
    const c = byKey.get(key);
    const name = `${e.from} → ${formatDestination(e)}`;
    if (!c) {
      problems.push(`${name}: expected to change, but it does not (or there is no such cell)`);
      continue;
    }
    const ok = (x: Expected, side: CellChange['before']) => side !== null && cellMatches(x, side.verdict);
    if (!ok(e.before, c.before) || !ok(e.after, c.after)) {
      const word = (s: CellChange['before']) => (s ? formatVerdict(s.verdict) : '(no such cell)');
      problems.push(
        `${name}: changes ${word(c.before)} → ${word(c.after)}; expected ${e.before === 'blocked' ? '✗' : formatVerdict(e.before)} → ${e.after === 'blocked' ? '✗' : formatVerdict(e.after)}`,
      );
    }
  }
  for (const c of changes)
    if (!expectedKeys.has(cellKey(c)))
      problems.push(`${c.from} → ${formatDestination(c)}: changes, but the table does not say so`);
  return problems;
}
