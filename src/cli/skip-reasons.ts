/**
 * Why scenarios were skipped, counted by cause, for the one-line summaries: a scenario
 * tagged for another Docker version did not run at all; one whose comparison with the
 * model was skipped (model or dind backend: one side only) ran every other step, since
 * the comparisons end their scenarios (steps/lib/comparison-last.test.ts).
 */
import type { ScenarioResult } from './run-summary.ts';

export type SkipCause = 'version' | 'comparison' | 'other';

/** The sentences that compare a real host with the model (steps/lib/comparison.ts). */
const COMPARISON = /\b(the counters match the model|the ruleset matches the model)\b/;

export function skipCause(reason: string | undefined): SkipCause {
  if (reason === undefined) return 'other';
  if (/^tagged /.test(reason)) return 'version';
  if (COMPARISON.test(reason)) return 'comparison';
  return 'other';
}

/** `50 ran every step but the real-vs-model comparison (--backend twin), 12 tagged for another Docker version` */
export function describeSkips(scenarios: readonly ScenarioResult[]): string {
  const counts: Record<SkipCause, number> = { version: 0, comparison: 0, other: 0 };
  for (const s of scenarios) if (s.outcome === 'skipped') counts[skipCause(s.reason)]++;
  const parts: string[] = [];
  if (counts.comparison > 0)
    parts.push(`${counts.comparison} ran every step but the real-vs-model comparison (--backend twin)`);
  if (counts.version > 0) parts.push(`${counts.version} tagged for another Docker version`);
  if (counts.other > 0) parts.push(`${counts.other} skipped by a step or hook`);
  return parts.join(', ');
}
