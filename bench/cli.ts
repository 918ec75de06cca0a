/**
 * Start-up of the installed command line: `nettwin --version` and `--help` from the
 * compiled JavaScript (as `npm pack` ships it), whole process, median of 10 runs after a
 * warm-up, beside a bare `node -e 0`. Target: well under 500 ms (heavy modules —
 * cucumber, testcontainers, dockerode — load only in the command that runs them).
 *
 * Then a whole model run as a new user makes one: `nettwin run` of `nettwin init`'s
 * project (its feature and its TypeScript step) on the model, beside the floor: cucumber-js
 * alone running the same feature (the same scenarios and steps) with steps that do
 * nothing and no formatter. Target: within 1.5× that floor, the reports adding at most
 * 10 % (the same run with --no-reports beside it). cucumber-js running one
 * trivial feature (one scenario, one step) is shown too, as earlier rounds measured it.
 * The runs alternate (floor, run, floor, run…), so load from other work hits both alike.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPackage } from '../scripts/build.ts';
import type { BenchRow } from './main.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = 10;
/**
 * Whole runs take half a second to a second each: fewer of them than RUNS, but enough for
 * medians steady to a few per cent (with five, the report row's ratio moved by ±8 % from
 * one bench to the next on a quiet machine).
 */
const RUN_RUNS = 9;

/**
 * CPU seconds of this process's waited-for children so far (Linux: /proc/self/stat
 * cutime + cstime, in clock ticks of 10 ms); undefined elsewhere. Unlike the wall clock,
 * it hardly moves when other work shares the machine.
 */
function childCpuMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    // After "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

interface Timing {
  /** Median wall clock, ms. */
  wall: number;
  /** Median CPU (user + system of the process and its children), ms; NaN where unknown. */
  cpu: number;
  /** Lowest and highest CPU of the runs, ms (the spread on a shared machine). */
  cpuMin: number;
  cpuMax: number;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

function medianMs(argv: string[], options: { cwd?: string; runs?: number } = {}): number {
  return timed(argv, options).wall;
}

interface Command {
  argv: string[];
  cwd?: string;
}

function timed(argv: string[], options: { cwd?: string; runs?: number } = {}): Timing {
  const [timing] = timedTogether([{ argv, ...(options.cwd ? { cwd: options.cwd } : {}) }], options.runs);
  return timing as Timing;
}

/** Each command `runs` times, in turn (a, b, a, b…), after one warm-up run of each. */
function timedTogether(commands: Command[], runs = RUNS): Timing[] {
  const times = commands.map((): number[] => []);
  const cpus = commands.map((): number[] => []);
  for (let i = 0; i <= runs; i++) {
    commands.forEach((command, c) => {
      const cpuBefore = childCpuMs();
      const start = process.hrtime.bigint();
      const result = spawnSync(process.execPath, command.argv, {
        stdio: 'ignore',
        cwd: command.cwd ?? process.cwd(),
        env: { ...process.env, NODE_OPTIONS: '', NETTWIN_BACKEND: '', NETTWIN_DOCKER_VERSION: '' },
      });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const cpuAfter = childCpuMs();
      if (result.status !== 0) throw new Error(`node ${command.argv.join(' ')} exited with ${result.status}`);
      if (i > 0) {
        // The first run warms the file cache.
        times[c]?.push(ms);
        cpus[c]?.push(cpuBefore === undefined || cpuAfter === undefined ? Number.NaN : cpuAfter - cpuBefore);
      }
    });
  }
  return commands.map((_, c) => {
    const cpu = cpus[c] ?? [];
    return {
      wall: median(times[c] ?? []),
      cpu: median(cpu),
      cpuMin: Math.min(...cpu),
      cpuMax: Math.max(...cpu),
    };
  });
}

const cpuNote = (t: Timing) =>
  Number.isNaN(t.cpu) ? '' : `, cpu ${t.cpu.toFixed(0)} ms (${t.cpuMin.toFixed(0)}–${t.cpuMax.toFixed(0)})`;

export async function benchCli(): Promise<BenchRow[]> {
  const stage = mkdtempSync(path.join(tmpdir(), 'nettwin-bench-cli-'));
  try {
    // The package as `npm pack` builds it (scripts/build.ts): bundled, cucumber included.
    await buildPackage(path.join(stage, 'dist'), { check: false });
    copyFileSync(path.join(ROOT, 'package.json'), path.join(stage, 'package.json'));
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
    const main = path.join(stage, 'dist', 'src', 'cli', 'main.js');
    const node = medianMs(['-e', '0']);
    const version = medianMs([main, '--version']);
    const help = medianMs([main, '--help']);
    const project = initProjectIn(stage, main);
    const floorDir = floorCucumberProject(stage, project);
    const cucumber = path.join(ROOT, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');
    const [floor, run, quiet, trivial] = timedTogether(
      [
        { argv: [cucumber, 'features', '--import', 'steps.mjs'], cwd: floorDir },
        { argv: [main, 'run', '--backend', 'model'], cwd: project },
        { argv: [main, 'run', '--backend', 'model', '--no-reports'], cwd: project },
        { argv: [cucumber, 'trivial.feature', '--import', 'steps.mjs'], cwd: floorDir },
      ],
      RUN_RUNS,
    ) as [Timing, Timing, Timing, Timing];
    const cpuRatio = (t: Timing, of: Timing) =>
      Number.isNaN(t.cpu) ? '' : ` (${(t.cpu / of.cpu).toFixed(2)}× its cpu)`;
    return [
      { name: 'node -e 0 (floor)', value: node, unit: 'ms', note: `median of ${RUNS}` },
      { name: 'nettwin --version (compiled)', value: version, unit: 'ms', note: 'target < 500 ms' },
      { name: 'nettwin --help (compiled)', value: help, unit: 'ms', note: 'target < 500 ms' },
      {
        name: 'cucumber-js, one trivial feature',
        value: trivial.wall,
        unit: 'ms',
        note: `median of ${RUN_RUNS}${cpuNote(trivial)}`,
      },
      {
        name: "cucumber-js, init's feature, empty steps (floor)",
        value: floor.wall,
        unit: 'ms',
        note: `median of ${RUN_RUNS}${cpuNote(floor)}`,
      },
      {
        name: "nettwin run, init's project, model",
        value: run.wall,
        unit: 'ms',
        note:
          `${(run.wall / floor.wall).toFixed(2)}× the cucumber-js floor (target ≤ 1.5×)${cpuNote(run)}` +
          `${cpuRatio(run, floor)}; ${(run.wall / trivial.wall).toFixed(2)}× one trivial feature` +
          `${cpuRatio(run, trivial)}, median of ${RUN_RUNS}`,
      },
      {
        name: "nettwin run --no-reports, init's project, model",
        value: quiet.wall,
        unit: 'ms',
        note:
          `${(quiet.wall / floor.wall).toFixed(2)}× the floor${cpuNote(quiet)}${cpuRatio(quiet, floor)}; ` +
          `writing the reports adds ${(100 * (run.wall / quiet.wall - 1)).toFixed(0)} % (target ≤ 10 %)` +
          `${Number.isNaN(run.cpu) ? '' : `, ${(100 * (run.cpu / quiet.cpu - 1)).toFixed(0)} % of cpu`}, median of ${RUN_RUNS}`,
      },
    ];
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** A project as `nettwin init` writes it, resolving 'nettwin' to the staged package. */
function initProjectIn(stage: string, main: string): string {
  const project = path.join(stage, 'project');
  mkdirSync(path.join(project, 'node_modules'), { recursive: true });
  symlinkSync(stage, path.join(project, 'node_modules', 'nettwin'), 'dir');
  // The package.json `npm init -y` (npm 11) writes: without it the project would inherit
  // the staged package's "type": "module", and its .ts step would need tsx's ES module
  // hooks (a worker thread, ~0.3 s) that a new user's project does not.
  writeFileSync(
    path.join(project, 'package.json'),
    `${JSON.stringify({ name: 'project', version: '1.0.0', type: 'commonjs' }, null, 2)}\n`,
  );
  const init = spawnSync(process.execPath, [main, 'init'], { cwd: project, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`nettwin init failed: ${init.stdout}${init.stderr}`);
  const check = spawnSync(process.execPath, [main, 'run', '--backend', 'model'], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, NETTWIN_BACKEND: '', NETTWIN_DOCKER_VERSION: '' },
  });
  if (check.status !== 0) throw new Error(`init's project does not pass on the model:\n${check.stdout}`);
  return project;
}

/**
 * cucumber-js's own floor: the project's features (the same scenarios and steps), every
 * step matched by one definition that does nothing, no formatter; and trivial.feature,
 * one scenario of one step.
 */
function floorCucumberProject(stage: string, project: string): string {
  const dir = path.join(stage, 'floor');
  mkdirSync(dir);
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
  cpSync(path.join(project, 'features'), path.join(dir, 'features'), { recursive: true });
  writeFileSync(path.join(dir, 'trivial.feature'), 'Feature: t\n  Scenario: s\n    Given nothing\n');
  writeFileSync(
    path.join(dir, 'steps.mjs'),
    "import { Given } from '@cucumber/cucumber';\nGiven(/^.*$/, function () {});\n",
  );
  return dir;
}
