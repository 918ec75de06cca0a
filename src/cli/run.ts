/**
 * `nettwin run [features…] [--backend model|dind|twin] [--tags EXPR] [--reports DIR]`:
 * runs the features of the working directory (features/ by default) through cucumber's
 * programmatic API with nettwin's step vocabulary and the user's own support code
 * (support-code.ts), then prints a short summary, the report's path, and for each
 * undefined step the three closest known step sentences. Cucumber is imported when a
 * run starts, not when the command line loads.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { IConfiguration, ISupportCodeLibrary } from '@cucumber/cucumber/api';
import type { Envelope } from '@cucumber/messages';
import type { Command } from 'commander';
import { DEFAULT_DOCKER_VERSION, VERIFIED_DOCKER_VERSIONS } from '../docker/profile.ts';
import { COMPILED, moduleUrl } from '../package-paths.ts';
import type { ReportFiles } from '../reports/write-reports.ts';
import { closestSteps } from './closest-steps.ts';
import { formatCucumberFiguresInEnglish } from './cucumber-locale.ts';
import { checkDockerVersion, checkFeaturePaths, RunUsageError } from './run-input.ts';
import { formatScenarioLine, formatSlowest } from './run-progress.ts';
import { commonFailures, countOutcomes, type RunSummary, RunSummaryCollector } from './run-summary.ts';
import { registerTypeScript, type SupportImports, supportImports } from './support-code.ts';

/** A module whose import registers tsx's ESM hooks (src/cli/tsx-register.ts, compiled). */
const TSX_REGISTER = fileURLToPath(moduleUrl('src/cli/tsx-register'));

/** The model backend module (loaded by the steps through steps/lib/backend-factory.ts). */
const MODEL_BACKEND = moduleUrl('src/backends/model');

/** The snippet syntax for undefined steps: snippets import from 'nettwin' (snippet-syntax.ts). */
const SNIPPET_SYNTAX = moduleUrl('src/cli/snippet-syntax').href;

/** cucumber's HTML formatter, fed step-match arguments it prints exactly (src/report/html-formatter.ts). */
const HTML_REPORT = moduleUrl('src/report/html-formatter').href;

/** The JUnit report: cucumber's `junit` document, written by nettwin (src/report/junit-formatter.ts). */
const JUNIT_REPORT = moduleUrl('src/report/junit-formatter').href;

export const BACKENDS = ['model', 'dind', 'twin'] as const;
export type RunBackend = (typeof BACKENDS)[number];

export interface RunOptions {
  features?: string[];
  backend?: RunBackend;
  tags?: string;
  /** Docker version of hosts whose step names none ("Given a Docker host"); default 28.5. */
  dockerVersion?: string;
  /** Where reports go, relative to cwd (default reports/). */
  reportsDir?: string;
  /** false: write no report files (`--no-reports`), only the lines on the terminal. */
  reports?: boolean;
  /** Worker processes, each with hosts of its own (default 1). */
  parallel?: number;
  /** `I/N`: run only the I-th of N deterministic slices of the scenarios (1-based). */
  shard?: string;
  /** `defined`, `random` or `random:SEED` (the seed in use is in RunOutcome.order). */
  order?: string;
  /** Inserted before the extension of every report file (`-26.1`: reports/cucumber-26.1.html). */
  reportSuffix?: string;
  /**
   * The step definitions of an earlier run in this process: ES modules load once, so a
   * second run must be handed them (RunOutcome.support).
   */
  support?: ISupportCodeLibrary;
  cwd?: string;
  /** Where a line per finished scenario goes (default: stdout). */
  progress?: Writable;
  stdout?: Writable;
  stderr?: Writable;
  env?: NodeJS.ProcessEnv;
}

export interface RunOutcome {
  success: boolean;
  backend: RunBackend;
  summary: RunSummary;
  /** The HTML report, relative to the working directory; undefined when none was written. */
  report: string | undefined;
  /** Step definitions as loaded, for a further run in this process (RunOptions.support). */
  support?: ISupportCodeLibrary;
  /** The scenario order used: `defined` or `random:SEED`. */
  order: string;
}

export { checkDockerVersion, checkFeaturePaths, RunUsageError };

/** NETTWIN_BACKEND wins over --backend (the World reads it the same way); default model. */
export function effectiveBackend(
  option: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): RunBackend {
  const chosen = env.NETTWIN_BACKEND?.trim() || option || 'model';
  if (!(BACKENDS as readonly string[]).includes(chosen)) {
    const source = env.NETTWIN_BACKEND?.trim() ? 'NETTWIN_BACKEND' : '--backend';
    throw new RunUsageError(`${source} is "${chosen}"; expected one of ${BACKENDS.join(', ')}`);
  }
  return chosen as RunBackend;
}

/** The profile's tag expression and the user's, both applied. */
export function combineTags(profile: string | undefined, user: string | undefined): string {
  const parts = [profile, user].map((t) => t?.trim()).filter((t): t is string => Boolean(t));
  return parts.length > 1 ? parts.map((t) => `(${t})`).join(' and ') : (parts[0] ?? '');
}

/**
 * The configuration of a run on `backend` (cucumber.js in the checkout mirrors it for
 * `npx cucumber-js`): scenarios tagged @model-only describe engines that cannot be
 * started (Docker 17.03's single DOCKER-ISOLATION chain), so real backends skip them.
 */
export function cucumberConfiguration(
  backend: RunBackend,
  options: { imports: string[]; reportsDir?: string },
): Partial<IConfiguration> {
  const dir = (options.reportsDir ?? 'reports').replace(/\/+$/, '') || '.';
  return {
    import: options.imports,
    // No 'progress' dots: nettwin prints a line per scenario as it finishes (run-progress.ts).
    format: [
      'summary',
      `"${HTML_REPORT}":${dir}/cucumber.html`,
      `"${JUNIT_REPORT}":${dir}/junit.xml`,
      `message:${dir}/messages.ndjson`,
    ],
    formatOptions: {
      snippetInterface: 'async-await',
      snippetSyntax: SNIPPET_SYNTAX,
      junit: { suiteName: 'nettwin' },
    },
    worldParameters: { backend },
    tags: backend === 'model' ? 'not @wip' : 'not @model-only and not @wip',
    strict: true,
  };
}

/**
 * The scenario order: `random` gets a seed of its own, printed so that a failure that
 * depends on order can be run again in the same order (`--order random:SEED`).
 */
export function pickleOrder(
  option: string | undefined,
  seed = () => Math.floor(Math.random() * 1e9),
): string {
  const value = option?.trim() || 'defined';
  if (value === 'defined') return value;
  if (value === 'random') return `random:${seed()}`;
  if (/^random:\S+$/.test(value)) return value;
  throw new RunUsageError(`--order is "${value}"; expected defined, random or random:SEED`);
}

/** `I/N` with 1 <= I <= N. */
export function parseShard(text: string): { index: number; total: number; text: string } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const total = Number(m?.[2]);
  if (!m || total < 1 || index < 1 || index > total) {
    throw new RunUsageError(`--shard is "${text}"; expected I/N with 1 <= I <= N, e.g. 2/3`);
  }
  return { index, total, text: `${index}/${total}` };
}

/** Worker count: a positive integer, or `auto` (one per core, at most 4: each worker runs a DinD host). */
export function parseParallel(text: string, cores: number): number {
  if (text === 'auto') return Math.max(1, Math.min(4, cores));
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new RunUsageError(`--parallel is "${text}"; expected a positive integer or auto`);
  return n;
}

/** Which of a run's format files are the reports nettwin writes, by what writes them. */
function reportFilesOf(files: Record<string, string>, cwd: string): Partial<ReportFiles> {
  const found: Partial<ReportFiles> = {};
  for (const [file, format] of Object.entries(files)) {
    const at = path.resolve(cwd, file);
    if (format.includes(HTML_REPORT)) found.html = at;
    else if (format.includes(JUNIT_REPORT)) found.junit = at;
    else if (format === 'message') found.messages = at;
  }
  return found;
}

/** reports/cucumber.html + "-26.1" → reports/cucumber-26.1.html */
function withSuffix(file: string, suffix: string): string {
  return suffix ? file.replace(/(\.[^./]+)$/, `${suffix}$1`) : file;
}

export async function runFeatures(options: RunOptions = {}): Promise<RunOutcome> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const backend = effectiveBackend(options.backend, env);
  // An empty NETTWIN_DOCKER_VERSION is unset, as an empty NETTWIN_BACKEND is.
  const fromEnv = env.NETTWIN_DOCKER_VERSION?.trim() || undefined;
  const dockerVersion = checkDockerVersion(
    options.dockerVersion ?? fromEnv ?? DEFAULT_DOCKER_VERSION,
    backend,
    options.dockerVersion ? '--docker-version' : fromEnv ? 'NETTWIN_DOCKER_VERSION' : 'the default version',
  );
  checkFeaturePaths(options.features ?? [], cwd);
  const environment = {
    cwd,
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    env,
  };
  // Loaded before tsx's hooks (if any), not through them; runLoaded finds it cached.
  await import('@cucumber/cucumber/api');
  formatCucumberFiguresInEnglish();
  // The report formatters too: they would load after the user's TypeScript turned source
  // maps on (typescript-require.ts), and Node then reads and parses the source map of
  // every module it loads (theirs ship maps): about a tenth of a model run, for nothing.
  if (options.reports !== false) await Promise.all([import(HTML_REPORT), import(JUNIT_REPORT)]);
  const supportCode = supportImports(cwd);
  // The model backend is imported by a run's first step anyway: before tsx's hooks, not through them.
  if (!options.support && supportCode.needsHooks)
    await registerTypeScript(backend === 'dind' ? [] : [MODEL_BACKEND]);
  try {
    return await runLoaded(options, { cwd, env, backend, dockerVersion, environment, supportCode });
  } finally {
    supportCode.dispose();
  }
}

async function runLoaded(
  options: RunOptions,
  context: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    backend: RunBackend;
    dockerVersion: string;
    environment: { cwd: string; stdout: Writable; stderr: Writable; env: NodeJS.ProcessEnv };
    supportCode: SupportImports;
  },
): Promise<RunOutcome> {
  const { cwd, env, backend, dockerVersion, environment, supportCode } = context;
  const { loadConfiguration, runCucumber } = await import('@cucumber/cucumber/api');
  const { useConfiguration, runConfiguration } = await loadConfiguration(
    {
      file: false,
      provided: cucumberConfiguration(backend, {
        // Parallel workers are fresh processes: compiled nettwin registers tsx's hooks there
        // with a module imported first (from sources, workers inherit tsx's own flags).
        imports: supportCode.imports(COMPILED && supportCode.needsHooks ? [TSX_REGISTER] : []),
        ...(options.reportsDir ? { reportsDir: options.reportsDir } : {}),
      }),
    },
    environment,
  );
  // Set after loading: a provided `paths` would be appended to the profile's, not replace them.
  if (options.features && options.features.length > 0) runConfiguration.sources.paths = options.features;
  runConfiguration.sources.tagExpression = combineTags(useConfiguration.tags, options.tags);
  const order = pickleOrder(options.order ?? env.NETTWIN_ORDER);
  runConfiguration.sources.order = order as typeof runConfiguration.sources.order;
  if (options.shard) runConfiguration.sources.shard = parseShard(options.shard).text;
  if (options.parallel && options.parallel > 1) {
    runConfiguration.runtime.parallel = options.parallel;
  }
  runConfiguration.runtime.worldParameters = {
    ...runConfiguration.runtime.worldParameters,
    backend,
    ...(dockerVersion ? { dockerVersion } : {}),
  };
  const suffix = options.reportSuffix ?? '';
  if (options.reports === false) runConfiguration.formats.files = {};
  runConfiguration.formats.files = Object.fromEntries(
    Object.entries(runConfiguration.formats.files).map(([file, format]) => [
      withSuffix(file, suffix),
      format,
    ]),
  );
  const progress = options.progress ?? environment.stdout;
  const collector = new RunSummaryCollector({
    dockerVersion,
    onScenario: (result) => progress.write(`${formatScenarioLine(result)}\n`),
  });
  // Every message, kept to write whole reports should cucumber abandon the run (abandoned-run.ts);
  // without reports, the test run hooks' only, to name a failed one rightly.
  const sent: Envelope[] = [];
  const writesReports = Object.keys(runConfiguration.formats.files).length > 0;
  let result: Awaited<ReturnType<typeof runCucumber>>;
  try {
    result = await runCucumber(
      options.support ? { ...runConfiguration, support: options.support } : runConfiguration,
      environment,
      (envelope) => {
        if (writesReports || envelope.hook || envelope.testRunHookStarted || envelope.testRunHookFinished)
          sent.push(envelope);
        collector.add(envelope);
      },
    );
  } catch (caught) {
    const { finishAbandonedReports, runHookError } = await import('../reports/abandoned-run.ts');
    const error = runHookError(sent, caught);
    if (writesReports) {
      // The run's own error is what the user must see; a report that cannot be written is said beside it.
      await finishAbandonedReports(sent, reportFilesOf(runConfiguration.formats.files, cwd), error).catch(
        (reportError: Error) =>
          environment.stderr.write(`nettwin: the reports were not finished: ${reportError.message}\n`),
      );
    }
    throw error;
  }
  const { success, support } = result;
  const html = useConfiguration.format
    .map((f) => (typeof f === 'string' ? f : f.join(':')))
    .find((f) => f.startsWith(`"${HTML_REPORT}":`));
  const report = withSuffix(html ? html.slice(`"${HTML_REPORT}":`.length) : 'reports/cucumber.html', suffix);
  return {
    order,
    success,
    support,
    backend,
    summary: collector.summary(),
    report: options.reports === false ? undefined : path.relative(cwd, path.resolve(cwd, report)),
  };
}

/** The lines `nettwin run` prints after cucumber's own output. */
export function formatRunReport(outcome: RunOutcome): string {
  const { scenarios, undefinedSteps, patterns } = outcome.summary;
  const counts = countOutcomes(scenarios);
  const lines: string[] = [''];
  for (const u of undefinedSteps) {
    lines.push(`Undefined step at ${u.uri}:${u.line}: ${u.text}`);
    const text = u.text.replace(/^(Given|When|Then|And|But|\*)\s+/, '');
    for (const s of closestSteps(text, patterns)) lines.push(`    did you mean: ${s.sentence}`);
  }
  for (const e of outcome.summary.runErrors) lines.push(`The run failed outside the scenarios: ${e}`);
  lines.push(...formatSlowest(scenarios));
  const shared = commonFailures(scenarios);
  for (const f of shared) lines.push(`${f.count} scenarios failed with: ${f.message}`);
  if (scenarios.length === 0 && outcome.summary.runErrors.length === 0) {
    lines.push(
      'No scenario ran: no feature under features/ (or none matched the tags); `nettwin init` writes one.',
    );
  }
  const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
  const order = outcome.order === 'defined' ? '' : `, order ${outcome.order}`;
  lines.push(
    `nettwin run (${outcome.backend}${order}): ${counts.passed} scenarios passed, ${counts.failed} failed${skipped}; ${outcome.report === undefined ? 'no reports written' : `report: ${outcome.report}`}`,
  );
  return lines.join('\n');
}

interface RunCliOptions {
  backend?: string;
  tags?: string;
  dockerVersion?: string;
  /** A directory, or false for --no-reports. */
  reports?: string | false;
  parallel?: string | true;
  summary?: string;
  shard?: string;
  order?: string;
}

export function runCommand(program: Command): Command {
  return program
    .command('run')
    .description('run the features (scenarios) on a backend and compare real and model')
    .argument('[features...]', 'feature files or directories (default: features/)')
    .option('--backend <name>', `backend: ${BACKENDS.join(' | ')} (env NETTWIN_BACKEND overrides)`)
    .option('--tags <expression>', 'cucumber tag expression, combined with the profile’s')
    .option(
      '--docker-version <version>',
      `Docker of hosts whose step names no version (${VERIFIED_DOCKER_VERSIONS.join(' | ')}; default ${DEFAULT_DOCKER_VERSION}; env NETTWIN_DOCKER_VERSION)`,
    )
    .option('--reports <dir>', 'where the HTML, JUnit and message reports go (default: reports/)')
    .option('--no-reports', 'write no report files: only the lines printed here (a quicker look)')
    .option(
      '--parallel [n]',
      'worker processes, each with DinD hosts of its own (a number; alone or "auto": one per core, at most 4)',
    )
    .option('--shard <i/n>', 'run the i-th of n deterministic slices of the scenarios (a CI matrix)')
    .option('--order <order>', 'defined | random | random:SEED (env NETTWIN_ORDER)')
    .option('--summary <file>', 'also write the outcome as JSON (order, success, scenarios) for other tools')
    .action(async (features: string[], opts: RunCliOptions) => {
      const backend = effectiveBackend(opts.backend);
      const outcome = await runFeatures({
        features,
        backend,
        ...(opts.tags ? { tags: opts.tags } : {}),
        ...(opts.dockerVersion ? { dockerVersion: opts.dockerVersion } : {}),
        ...(opts.reports ? { reportsDir: opts.reports } : {}),
        ...(opts.reports === false ? { reports: false } : {}),
        ...(opts.parallel
          ? {
              parallel: parseParallel(
                opts.parallel === true ? 'auto' : opts.parallel,
                availableParallelism(),
              ),
            }
          : {}),
        ...(opts.shard ? { shard: opts.shard } : {}),
        ...(opts.order ? { order: opts.order } : {}),
      });
      process.stdout.write(`${formatRunReport(outcome)}\n`);
      if (opts.summary) {
        const { writeFile } = await import('node:fs/promises');
        const { order, success, backend: ran, summary } = outcome;
        await writeFile(
          opts.summary,
          `${JSON.stringify({ order, success, backend: ran, summary }, null, 2)}\n`,
        );
      }
      if (!outcome.success) process.exitCode = 1;
    });
}
