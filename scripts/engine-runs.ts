/**
 * The features phase of `npm test` on real engines: one `nettwin run` per Docker
 * version, all at once (each DinD host has its own outside world, so engines and their
 * workers never share a network), each a child process with its own reports directory.
 * A run's output is printed whole when it ends, so engines do not interleave; its
 * scenario counts come from its cucumber message stream.
 */
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Envelope } from '@cucumber/messages';
import { execa } from 'execa';
import { type RunSummary, RunSummaryCollector } from '../src/cli/run-summary.ts';

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

async function summaryOf(file: string): Promise<RunSummary> {
  const collector = new RunSummaryCollector();
  try {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) if (line.trim()) collector.add(JSON.parse(line) as Envelope);
  } catch (error) {
    collector.add({
      testRunFinished: {
        success: false,
        timestamp: { seconds: 0, nanos: 0 },
        message: `no message stream at ${file}: ${(error as Error).message}`,
      },
    } as Envelope);
  }
  return collector.summary();
}

export async function runEngines(options: EngineRunOptions): Promise<EngineRun[]> {
  return Promise.all(
    options.versions.map(async (version) => {
      const reportsDir = engineReportsDir(version, options.reportsRoot);
      await mkdir(path.join(options.root, reportsDir), { recursive: true });
      const started = Date.now();
      const r = await execa('node', engineRunArgv(options, version), {
        cwd: options.root,
        env: options.env ?? process.env,
        all: true,
        reject: false,
        stdin: 'ignore',
      });
      return {
        version,
        reportsDir,
        exitCode: r.exitCode ?? 1,
        output: r.all ?? '',
        summary: await summaryOf(path.join(options.root, reportsDir, 'messages.ndjson')),
        seconds: (Date.now() - started) / 1000,
      };
    }),
  );
}
