/**
 * `Then upgrading to Docker 29.7 changes the reachability:` — on the model only, on every
 * backend: the scenario's Docker actions (recorded by the World) are replayed on two fresh
 * models, the scenario's Docker version and the target, and the cells whose verdict
 * differs must be the table's (src/matrix/upgrade.ts). On twin and dind no real host is
 * involved: no engine of the target version runs beside this one. The matrix modules
 * (and the model behind them, on twin and dind) are imported by the step, not with the
 * vocabulary.
 */
import { type DataTable, Then } from '@cucumber/cucumber';
import { ReplayError } from '../src/matrix/replay.ts';
import { MatrixSyntaxError } from '../src/matrix/types.ts';
import type { ExpectedChange } from '../src/matrix/upgrade.ts';
import { escapeXml } from '../src/report/escape.ts';
import type { NettwinWorld } from './world.ts';

/** Docker name → the word the matrix shows: a compose service name where the scenario has one. */
function matrixLabels(world: NettwinWorld): Map<string, string> {
  const labels = new Map<string, string>();
  for (const [label, name] of world.names.containers) if (name && !labels.has(name)) labels.set(name, label);
  return labels;
}

async function checkUpgrade(world: NettwinWorld, target: string, expectedRows: Record<string, string>[]) {
  const from = world.dockerVersion ?? world.fail('no Docker host started yet: the upgrade starts from one');
  await world.activeBackend();
  const { compareChanges, namesNeighbour, parseExpectedChanges, upgradeChanges } = await import(
    '../src/matrix/upgrade.ts'
  );
  const { renderDiffTerminal } = await import('../src/matrix/diff.ts');
  const hostIp = expectedRows.some((r) => r.to?.includes('<host ip>'))
    ? await world.expandHostIp('<host ip>')
    : undefined;
  let expected: ExpectedChange[];
  try {
    expected = parseExpectedChanges(expectedRows, (w) => (hostIp ? w.replaceAll('<host ip>', hostIp) : w));
  } catch (error) {
    if (error instanceof MatrixSyntaxError) world.fail(error.message, error);
    throw error;
  }
  let changes: Awaited<ReturnType<typeof upgradeChanges>>;
  try {
    changes = await upgradeChanges(world.actions, { from, to: target }, matrixLabels(world), {
      neighbour: namesNeighbour(expected),
    });
  } catch (error) {
    if (error instanceof ReplayError)
      world.fail(`replaying the scenario on the model: ${error.message}`, error);
    throw error;
  }
  const diff = renderDiffTerminal(changes, { before: `Docker ${from}`, after: `Docker ${target}` }).trimEnd();
  const onModel =
    world.backendName === 'model'
      ? ''
      : `\n(on the model only: the ${world.backendName} backend has no Docker ${target} engine beside this host)`;
  const problems = compareChanges(expected, changes);
  if (problems.length > 0)
    world.fail(`${problems.join('\n')}\nWhat changes, on the model:\n${diff}${onModel}`);
  world.log(escapeXml(`${diff}${onModel}`));
}

Then(
  /^upgrading to Docker (\d+\.\d+) changes the reachability:$/,
  async function (this: NettwinWorld, target: string, table: DataTable) {
    await checkUpgrade(this, target, table.hashes() as Record<string, string>[]);
  },
);

Then(
  /^upgrading to Docker (\d+\.\d+) does not change the reachability$/,
  async function (this: NettwinWorld, target: string) {
    await checkUpgrade(this, target, []);
  },
);
