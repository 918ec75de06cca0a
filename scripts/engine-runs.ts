/**
 * The features phase of `npm test` on real engines: one `nettwin run` per Docker
 * version, all at once (each DinD host has its own outside world, so engines and their
 * workers never share a network), each a child process with its own reports directory.
 * A run's output is printed whole when it ends, so engines do not interleave; its
 * scenario counts come from its cucumber message stream.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import type { RunSummary } from '../src/cli/run-summary.ts';

export interface EngineRunOptions {
  root: string;
  backend: string;
  /** Docker versions; undefined runs the hosts' default once (the model backend). */
  versions: Array<string | undefined>;
  /** `random:SEED`, one seed for every engine so a failure can be replayed. */
  order: string;
  /** Cucumber workers per engine. */
  parallel: number;
  /** Where each engine's reports go (default reports/, then <version>/ per engine). */
  reportsRoot?: string;
  /** Feature files (default: features/). */
  features?: string[];
  env?: NodeJS.ProcessEnv;
}

export interface EngineRun {
  version: string | undefined;
  reportsDir: string;
  exitCode: number;
  output: string;
  summary: RunSummary;
  seconds: number;
}

/** Where each engine's run writes its outcome (`nettwin run --summary`), in its reports directory. */
export const SUMMARY_FILE = '.run-summary.json';

/** reports/ for the default, reports/<version>/ per engine. */
export function engineReportsDir(version: string | undefined, root = 'reports'): string {
  return version ? path.join(root, version) : root;
}

/** The argv of `nettwin run` for one engine. */
export function engineRunArgv(options: EngineRunOptions, version: string | undefined): string[] {
  return [
    '--import',
    'tsx',
    'src/cli/main.ts',
    'run',
    '--backend',
    options.backend,
    '--order',
    options.order,
    '--reports',
    engineReportsDir(version, options.reportsRoot),
    ...(options.parallel > 1 ? ['--parallel', String(options.parallel)] : []),
    ...(version ? ['--docker-version', version] : []),
    ...(options.features ?? []),
  ];
}

/** The run's own outcome file (`nettwin run --summary`): private to this run, whoever else writes reports/. */
async function summaryOf(file: string, output: string): Promise<RunSummary> {
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as { summary: RunSummary }).summary;
  } catch (error) {
    const tail = output.trim().split('\n').slice(-3).join(' | ');
    return {
      scenarios: [],
      undefinedSteps: [],
      patterns: [],
      runErrors: [`the run wrote no summary (${(error as Error).message}); its last lines: ${tail}`],
    };
  }
}

export async function runEngines(options: EngineRunOptions): Promise<EngineRun[]> {
  return Promise.all(
    options.versions.map(async (version) => {
      const reportsDir = engineReportsDir(version, options.reportsRoot);
      // resolve, not join: a reports root given as an absolute path stays where it was given.
      await mkdir(path.resolve(options.root, reportsDir), { recursive: true });
      const started = Date.now();
      // Beside the run's reports, not in a temporary directory: an interrupted `npm test`
      // (Ctrl-C) then leaves nothing in /tmp. Removed first, so a run that writes none is
      // not read an earlier run's.
      const summaryFile = path.resolve(options.root, reportsDir, SUMMARY_FILE);
      await rm(summaryFile, { force: true });
      const r = await execa('node', [...engineRunArgv(options, version), '--summary', summaryFile], {
        cwd: options.root,
        env: options.env ?? process.env,
        all: true,
        reject: false,
        stdin: 'ignore',
      });
      const run: EngineRun = {
        version,
        reportsDir,
        exitCode: r.exitCode ?? 1,
        output: r.all ?? '',
        summary: await summaryOf(summaryFile, r.all ?? ''),
        seconds: (Date.now() - started) / 1000,
      };
      await rm(summaryFile, { force: true });
      return run;
    }),
  );
}
