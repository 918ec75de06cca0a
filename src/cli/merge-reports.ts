/**
 * `nettwin merge-reports <dir…> [--reports OUT]`: the reports of the shards of one run
 * (`nettwin run --shard i/n --reports DIR` on several machines) as one: OUT/cucumber.html,
 * OUT/junit.xml and OUT/messages.ndjson, each scenario once with the result of the shard
 * that ran it. Prints the merged counts; exits 1 when a merged scenario failed or a
 * shard's run did not succeed, as the shards' own jobs did.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { mergeMessages, ShardMergeError, type ShardMessages } from '../reports/merge-messages.ts';
import { readMessages } from '../reports/read-messages.ts';
import { writeReports } from '../reports/write-reports.ts';
import { countOutcomes, type RunSummary, RunSummaryCollector, type ScenarioOutcome } from './run-summary.ts';

export interface MergeReportsOptions {
  /** Reports directories of the shards (or their messages.ndjson files). */
  dirs: readonly string[];
  /** Where the merged reports go (default reports/merged). */
  reportsDir?: string;
  cwd?: string;
}

export interface MergeReportsOutcome {
  /** No merged scenario failed and every shard's run succeeded. */
  success: boolean;
  shards: number;
  counts: Record<ScenarioOutcome, number>;
  summary: RunSummary;
  warnings: string[];
  /** The HTML report, relative to the working directory. */
  report: string;
}

export async function mergeReports(options: MergeReportsOptions): Promise<MergeReportsOutcome> {
  const cwd = options.cwd ?? process.cwd();
  const shards: ShardMessages[] = [];
  const read = new Map<string, string>();
  for (const dir of options.dirs) {
    const { file, envelopes } = await readMessages(dir, cwd);
    const earlier = read.get(path.resolve(cwd, file));
    if (earlier !== undefined) {
      throw new ShardMergeError(
        `${earlier} and ${dir} are the same reports (${file}): name each shard once`,
        [file],
      );
    }
    read.set(path.resolve(cwd, file), dir);
    shards.push({ name: file, envelopes });
  }
  const merged = mergeMessages(shards);
  const out = path.resolve(cwd, options.reportsDir ?? 'reports/merged');
  const files = await writeReports(merged.envelopes, out);
  const collector = new RunSummaryCollector();
  let runSucceeded = false;
  for (const envelope of merged.envelopes) {
    collector.add(envelope);
    if (envelope.testRunFinished) runSucceeded = envelope.testRunFinished.success;
  }
  const summary = collector.summary();
  const counts = countOutcomes(summary.scenarios);
  return {
    success: runSucceeded && counts.failed === 0,
    shards: shards.length,
    counts,
    summary,
    warnings: merged.warnings,
    report: path.relative(cwd, files.html),
  };
}

/** The line `nettwin merge-reports` prints. */
export function formatMergeReport(outcome: MergeReportsOutcome): string {
  const { passed, failed, skipped } = outcome.counts;
  const shards = `${outcome.shards} shard${outcome.shards === 1 ? '' : 's'}`;
  return `nettwin merge-reports (${shards}): ${passed} scenarios passed, ${failed} failed, ${skipped} skipped; report: ${outcome.report}`;
}

export function mergeReportsCommand(program: Command): Command {
  return program
    .command('merge-reports')
    .description('merge the reports of the shards of one run (run --shard) into one HTML and JUnit report')
    .argument('<dirs...>', 'the --reports directories of the shards (each holds messages.ndjson)')
    .option('--reports <dir>', 'where the merged HTML, JUnit and message reports go', 'reports/merged')
    .action(async (dirs: string[], opts: { reports: string }) => {
      const outcome = await mergeReports({ dirs, reportsDir: opts.reports });
      for (const w of outcome.warnings) process.stderr.write(`nettwin merge-reports: ${w}\n`);
      for (const e of outcome.summary.runErrors)
        process.stderr.write(`The run failed outside the scenarios: ${e}\n`);
      process.stdout.write(`${formatMergeReport(outcome)}\n`);
      if (!outcome.success) process.exitCode = 1;
    });
}
