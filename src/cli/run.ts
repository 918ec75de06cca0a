/**
 * `nettwin run [features…] [--backend model|dind|twin] [--tags EXPR]`: runs the
 * features through cucumber's programmatic API with the profile of the chosen backend,
 * then prints a short summary, the report's path, and for each undefined step the
 * three closest known step sentences.
 */
import path from 'node:path';
import type { Writable } from 'node:stream';
import { type ISupportCodeLibrary, loadConfiguration, runCucumber } from '@cucumber/cucumber/api';
import type { Command } from 'commander';
import { closestSteps } from './closest-steps.ts';
import { commonFailures, countOutcomes, type RunSummary, RunSummaryCollector } from './run-summary.ts';

export const BACKENDS = ['model', 'dind', 'twin'] as const;
export type RunBackend = (typeof BACKENDS)[number];

export interface RunOptions {
  features?: string[];
  backend?: RunBackend;
  tags?: string;
  /** Docker version of hosts whose step names none ("Given a Docker host"); default 20.10. */
  dockerVersion?: string;
  /** Inserted before the extension of every report file (`-26.1`: reports/cucumber-26.1.html). */
  reportSuffix?: string;
  /**
   * The step definitions of an earlier run in this process: ES modules load once, so a
   * second run must be handed them (RunOutcome.support).
   */
  support?: ISupportCodeLibrary;
  cwd?: string;
  stdout?: Writable;
  stderr?: Writable;
  env?: NodeJS.ProcessEnv;
}

export interface RunOutcome {
  success: boolean;
  backend: RunBackend;
  summary: RunSummary;
  /** The HTML report, relative to the working directory. */
  report: string;
  /** Step definitions as loaded, for a further run in this process (RunOptions.support). */
  support?: ISupportCodeLibrary;
}

export class RunUsageError extends Error {
  override name = 'RunUsageError';
}

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

/** reports/cucumber.html + "-26.1" → reports/cucumber-26.1.html */
function withSuffix(file: string, suffix: string): string {
  return suffix ? file.replace(/(\.[^./]+)$/, `${suffix}$1`) : file;
}

export async function runFeatures(options: RunOptions = {}): Promise<RunOutcome> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const backend = effectiveBackend(options.backend, env);
  const environment = {
    cwd,
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    env,
  };
  const { useConfiguration, runConfiguration } = await loadConfiguration(
    { profiles: [backend] },
    environment,
  );
  // Set after loading: a provided `paths` would be appended to the profile's, not replace them.
  if (options.features && options.features.length > 0) runConfiguration.sources.paths = options.features;
  runConfiguration.sources.tagExpression = combineTags(useConfiguration.tags, options.tags);
  const dockerVersion = options.dockerVersion ?? env.NETTWIN_DOCKER_VERSION;
  runConfiguration.runtime.worldParameters = {
    ...runConfiguration.runtime.worldParameters,
    backend,
    ...(dockerVersion ? { dockerVersion } : {}),
  };
  const suffix = options.reportSuffix ?? '';
  runConfiguration.formats.files = Object.fromEntries(
    Object.entries(runConfiguration.formats.files).map(([file, format]) => [
      withSuffix(file, suffix),
      format,
    ]),
  );
  const collector = new RunSummaryCollector();
  const { success, support } = await runCucumber(
    options.support ? { ...runConfiguration, support: options.support } : runConfiguration,
    environment,
    (envelope) => collector.add(envelope),
  );
  const html = useConfiguration.format
    .map((f) => (typeof f === 'string' ? f : f.join(':')))
    .find((f) => f.startsWith('html:'));
  const report = withSuffix(html ? html.slice('html:'.length) : 'reports/cucumber.html', suffix);
  return {
    success,
    support,
    backend,
    summary: collector.summary(),
    report: path.relative(cwd, path.resolve(cwd, report)),
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
  const shared = commonFailures(scenarios);
  for (const f of shared) lines.push(`${f.count} scenarios failed with: ${f.message}`);
  const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
  lines.push(
    `nettwin run (${outcome.backend}): ${counts.passed} scenarios passed, ${counts.failed} failed${skipped}; report: ${outcome.report}`,
  );
  return lines.join('\n');
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
      'Docker of hosts whose step names no version (20.10 | 26.1; env NETTWIN_DOCKER_VERSION)',
    )
    .action(async (features: string[], opts: { backend?: string; tags?: string; dockerVersion?: string }) => {
      const backend = effectiveBackend(opts.backend);
      const outcome = await runFeatures({
        features,
        backend,
        ...(opts.tags ? { tags: opts.tags } : {}),
        ...(opts.dockerVersion ? { dockerVersion: opts.dockerVersion } : {}),
      });
      process.stdout.write(`${formatRunReport(outcome)}\n`);
      if (!outcome.success) process.exitCode = 1;
    });
}
