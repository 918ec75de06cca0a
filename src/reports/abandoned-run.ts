/**
 * The reports of a run cucumber abandoned. When a BeforeAll or AfterAll hook throws,
 * cucumber-js 12 rejects the run ("a BeforeAll hook errored, process exiting") without
 * finishing its formatters: cucumber.html stops after the page's head (no reader app, a
 * blank page), junit.xml stays empty, messages.ndjson loses what was still buffered. Those
 * files are what a user opens first. So they are written again, whole, from the messages
 * the run did send, closed by the testRunFinished cucumber never sent: not a success, the
 * error as its exception, which the page and junit.xml then show.
 */
import type { Envelope } from '@cucumber/messages';
import { RunHooks, runHookKind } from '../report/run-hooks.ts';
import { type ReportFiles, writeReportFiles } from './write-reports.ts';

/**
 * cucumber-js 12 says "a BeforeAll hook errored" for an AfterAll hook too (its worker passes
 * that name for every test run hook). The run's messages say which kind failed: the error
 * is given its right name, its cause kept.
 */
export function runHookError(envelopes: readonly Envelope[], error: unknown): unknown {
  const wrong = 'a BeforeAll hook errored';
  if (!(error instanceof Error) || !error.message.startsWith(wrong)) return error;
  const hooks = new RunHooks();
  for (const envelope of envelopes) hooks.add(envelope);
  const failed = hooks.failed().findLast(({ finished }) => finished.result.status === 'FAILED');
  if (runHookKind(failed?.hook) !== 'AfterAll') return error;
  const renamed = new Error(`an AfterAll hook errored${error.message.slice(wrong.length)}`, {
    cause: error.cause,
  });
  if (error.stack) renamed.stack = error.stack.replace(wrong, 'an AfterAll hook errored');
  return renamed;
}

/** The message that ends an abandoned run's stream. */
export function abandonedRunFinished(
  envelopes: readonly Envelope[],
  error: unknown,
  now = Date.now(),
): Envelope {
  const testRunStartedId = envelopes.find((e) => e.testRunStarted)?.testRunStarted?.id;
  const type = error instanceof Error ? error.constructor.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return {
    testRunFinished: {
      success: false,
      message,
      exception: {
        type,
        message,
        ...(error instanceof Error && error.stack ? { stackTrace: error.stack } : {}),
      },
      timestamp: { seconds: Math.floor(now / 1000), nanos: (now % 1000) * 1e6 },
      ...(testRunStartedId ? { testRunStartedId } : {}),
    },
  } as Envelope;
}

export async function finishAbandonedReports(
  envelopes: readonly Envelope[],
  files: Partial<ReportFiles>,
  error: unknown,
): Promise<void> {
  const ended = envelopes.some((e) => e.testRunFinished);
  await writeReportFiles(ended ? envelopes : [...envelopes, abandonedRunFinished(envelopes, error)], files);
}
