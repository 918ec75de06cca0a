/**
 * The BeforeAll/AfterAll hooks of a run, from its messages: which hook each
 * testRunHookFinished belongs to. junit.xml reports the ones that did not pass; an abandoned
 * run's error is named after the kind that failed (src/reports/abandoned-run.ts).
 */
import type { Envelope, Hook, TestRunHookFinished, TestRunHookStarted } from '@cucumber/messages';

/** A test run hook's end, with its start and its hook when the messages hold them. */
export interface RunHookRun {
  hook?: Hook;
  started?: TestRunHookStarted;
  finished: TestRunHookFinished;
}

export class RunHooks {
  private readonly hooks = new Map<string, Hook>();
  private readonly started = new Map<string, TestRunHookStarted>();
  private readonly finished: TestRunHookFinished[] = [];

  add(envelope: Envelope): void {
    if (envelope.hook) this.hooks.set(envelope.hook.id, envelope.hook);
    if (envelope.testRunHookStarted)
      this.started.set(envelope.testRunHookStarted.id, envelope.testRunHookStarted);
    if (envelope.testRunHookFinished) this.finished.push(envelope.testRunHookFinished);
  }

  /** The hooks that neither passed nor were skipped, in the order they finished. */
  failed(): RunHookRun[] {
    return this.finished
      .filter(({ result }) => result.status !== 'PASSED' && result.status !== 'SKIPPED')
      .map((finished) => {
        const started = this.started.get(finished.testRunHookStartedId);
        const hook = started && this.hooks.get(started.hookId);
        return { ...(hook ? { hook } : {}), ...(started ? { started } : {}), finished };
      });
  }
}

/** The hook's kind as a feature author writes it. */
export function runHookKind(hook: Hook | undefined): 'BeforeAll' | 'AfterAll' | 'hook' {
  return hook?.type === 'AFTER_TEST_RUN'
    ? 'AfterAll'
    : hook?.type === 'BEFORE_TEST_RUN'
      ? 'BeforeAll'
      : 'hook';
}
