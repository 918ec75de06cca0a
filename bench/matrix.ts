/**
 * `nettwin matrix` on the model: a 10-service compose file (bench/matrix-10.compose.yaml,
 * about 100 cells with ports), end to end (read the file, bring the stack up on the
 * Docker model, plan, probe every cell through the packet path, render). Goal (issue 24):
 * under 1 s. Standalone: `npx tsx bench/matrix.ts`.
 */
import { pathToFileURL } from 'node:url';
import { computeMatrix } from '../src/cli/matrix.ts';
import { renderTerminal } from '../src/matrix/render.ts';
import type { BenchRow } from './main.ts';

const FILE = new URL('./matrix-10.compose.yaml', import.meta.url).pathname;
const GOAL_SECONDS = 1;

export async function benchMatrix(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // The first run pays for module loading and the JIT; the row is the best of three after it.
  await computeMatrix({ dockerVersion: '28.5', daemonOptions: [], compose: FILE });
  for (const version of ['20.10', '28.5', '29.7']) {
    let best = Number.POSITIVE_INFINITY;
    let cells = 0;
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      const m = await computeMatrix({ dockerVersion: version, daemonOptions: [], compose: FILE });
      renderTerminal(m);
      best = Math.min(best, (performance.now() - start) / 1000);
      cells = m.cells.length;
    }
    rows.push({
      name: `matrix: 10-service compose, Docker ${version}`,
      value: best,
      unit: 's',
      note: `${cells} cells; goal < ${GOAL_SECONDS} s: ${best < GOAL_SECONDS ? 'met' : 'NOT met'}`,
    });
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await benchMatrix())
    console.log(`${row.name}  ${row.value.toFixed(3)} ${row.unit}  ${row.note}`);
}
