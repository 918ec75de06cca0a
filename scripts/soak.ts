/**
 * `npm run soak -- --runs N [--backend twin] [--docker-version V] [--parallel P] [features…]`:
 * runs the features N times, each in a new random order, and prints per scenario how
 * often it failed, so a flake shows up as a row with a count between 0 and N. The last
 * line says how many scenarios flaked. Every run's reports stay in reports/soak/<n>/.
 * Exit 0 when every scenario passed every time, 1 when any failed (flaky or not), 2 when
 * a run did not get to its scenarios (no engine, a hook error): it stops there.
 */
import path from 'node:path';
import { Command } from 'commander';
import { countOutcomes } from '../src/cli/run-summary.ts';
import { RUN_ID } from '../src/dind/labels.ts';
import { type EngineRun, runEngines } from './engine-runs.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface SoakRow {
  scenario: string;
  runs: number;
  failed: number;
  /** First failure message seen. */
  message?: string;
}

/** Per-scenario failure counts over several runs, flakes (0 < failed < runs) first. */
export function soakTable(
  runs: Array<Array<{ name: string; uri: string; line: number; outcome: string; message?: string }>>,
): SoakRow[] {
  const rows = new Map<string, SoakRow>();
  for (const scenarios of runs) {
    for (const s of scenarios) {
      const key = `${s.uri}:${s.line} ${s.name}`;
      const row = rows.get(key) ?? { scenario: key, runs: 0, failed: 0 };
      row.runs += 1;
      if (s.outcome === 'failed') {
        row.failed += 1;
        row.message ??= s.message;
      }
      rows.set(key, row);
    }
  }
  const flaky = (r: SoakRow) => r.failed > 0 && r.failed < r.runs;
  return [...rows.values()].sort(
    (a, b) =>
      Number(flaky(b)) - Number(flaky(a)) || b.failed - a.failed || a.scenario.localeCompare(b.scenario),
  );
}

export function formatSoakTable(rows: SoakRow[]): string {
  const width = Math.max(8, ...rows.map((r) => r.scenario.length));
  const lines = [`${'scenario'.padEnd(width)}  failed/runs`];
  for (const r of rows) {
    lines.push(
      `${r.scenario.padEnd(width)}  ${`${r.failed}/${r.runs}`.padStart(11)}${r.message ? `  ${r.message}` : ''}`,
    );
  }
  const flakes = rows.filter((r) => r.failed > 0 && r.failed < r.runs).length;
  const always = rows.filter((r) => r.runs > 0 && r.failed === r.runs).length;
  lines.push(`${flakes} flaky scenario(s), ${always} failing every time, ${rows.length} in all`);
  return lines.join('\n');
}

/**
 * Why a run tells nothing about flakes, or undefined when it ran its scenarios: a run
 * that stopped before them (no engine, a hook that threw, a usage error) counts 0 passed
 * and 0 failed, and ten of those would read as "0 flaky".
 */
export function unusableRun(run: Pick<EngineRun, 'exitCode' | 'output' | 'summary'>): string | undefined {
  const { scenarios, runErrors } = run.summary;
  const tail = () => run.output.trim().split('\n').slice(-4).join('\n  ');
  if (runErrors.length > 0) return runErrors.join('\n  ');
  if (scenarios.length === 0)
    return `no scenario ran (exit ${run.exitCode}); the run's last lines:\n  ${tail()}`;
  const counts = countOutcomes(scenarios);
  if (run.exitCode !== 0 && counts.failed === 0) {
    return `the run exited ${run.exitCode} with no failed scenario; its last lines:\n  ${tail()}`;
  }
  return undefined;
}

/** A whole number from 1 to 999999 as written, or undefined. */
export function positiveCount(text: string): number | undefined {
  return /^[1-9]\d{0,5}$/.test(text) ? Number(text) : undefined;
}

/** The count option `name` holds; anything else is a usage error (exit 2). */
function countOption(name: string, text: string): number {
  const n = positiveCount(text);
  if (n !== undefined) return n;
  process.stderr.write(`soak: ${name} takes a whole number from 1, not "${text.slice(0, 40)}"\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const program = new Command('soak')
    .option('--runs <n>', 'how many times to run the suite', '10')
    .option('--backend <name>', 'model | dind | twin', 'twin')
    .option('--docker-version <version>', 'Docker version of the hosts')
    .option('--parallel <n>', 'cucumber workers per run', '1')
    .argument('[features...]', 'feature files (default: features/)')
    .parse();
  const opts = program.opts<{ runs: string; backend: string; dockerVersion?: string; parallel: string }>();
  const total = countOption('--runs', opts.runs);
  const parallel = countOption('--parallel', opts.parallel);
  process.env.NETTWIN_RUN_ID = RUN_ID;
  const results: Parameters<typeof soakTable>[0] = [];
  process.stdout.write(`soak: ${total} run(s), ${parallel} worker(s) each\n`);
  for (let n = 1; n <= total; n++) {
    const seed = Math.floor(Math.random() * 1e9);
    const [run] = await runEngines({
      root: ROOT,
      backend: opts.backend,
      versions: [opts.dockerVersion],
      order: `random:${seed}`,
      parallel,
      reportsRoot: path.join('reports', 'soak', String(n)),
      features: program.args,
    });
    if (!run) throw new Error('no run');
    const problem = unusableRun(run);
    if (problem !== undefined) {
      process.stderr.write(
        `soak: run ${n}/${total} did not run the features, so it cannot count flakes:\n  ${problem}\n`,
      );
      process.exit(2);
    }
    const counts = countOutcomes(run.summary.scenarios);
    process.stdout.write(
      `run ${n}/${total} (order random:${seed}, ${run.seconds.toFixed(0)} s): ${counts.passed} passed, ${counts.failed} failed\n`,
    );
    results.push(run.summary.scenarios);
  }
  const rows = soakTable(results);
  process.stdout.write(`\n${formatSoakTable(rows)}\n`);
  // A flake or a steady failure is what a soak exists to find: it fails the command.
  if (rows.some((r) => r.failed > 0)) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main();
