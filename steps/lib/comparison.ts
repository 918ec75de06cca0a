/**
 * "… matches the model" compares a real host with the model: only the twin backend has
 * both sides. Elsewhere the step is reported as skipped, never as passed (cucumber then
 * skips the steps after it, so these comparisons come last in a scenario).
 */
import { escapeXml } from '../../src/report/escape.ts';
import type { NettwinWorld } from '../world.ts';

export function comparisonSkipped(world: NettwinWorld, what: string): 'skipped' {
  const missing = world.backendName === 'model' ? 'real host' : 'model';
  // The report shows a log as HTML (see report-attachments.ts); `what` quotes a step.
  world.log(
    escapeXml(
      `skipped: the ${world.backendName} backend has no ${missing} to compare ${what} with (--backend twin compares them)`,
    ),
  );
  return 'skipped';
}
