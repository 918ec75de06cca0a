/**
 * What `nettwin run` prints while it runs: one line per scenario as it finishes (result,
 * seconds, name, file:line, and why it failed or was skipped), plain text so a terminal
 * and a CI log show the same; at the end, the slowest scenarios.
 */
import type { ScenarioResult } from './run-summary.ts';

const WIDTH = 160;

function clip(text: string, width = WIDTH): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined) return '    ?  ';
  return `${seconds < 10 ? seconds.toFixed(2) : seconds.toFixed(1)} s`.padStart(7);
}

/** `passed   0.04 s  Name (features/a.feature:12)`, with the cause of a failure or skip. */
export function formatScenarioLine(result: ScenarioResult): string {
  const status = result.outcome === 'failed' ? 'FAILED' : result.outcome;
  const head = `${status.padEnd(7)} ${formatSeconds(result.seconds)}  ${result.name} (${result.uri}:${result.line})`;
  const why =
    result.outcome === 'failed' ? result.message : result.outcome === 'skipped' ? result.reason : '';
  return why ? `${head}: ${clip(why)}` : head;
}

/** The `count` slowest scenarios that ran, slowest first (nothing for a run of one). */
export function formatSlowest(scenarios: readonly ScenarioResult[], count = 5): string[] {
  const ran = scenarios.filter((s) => s.outcome !== 'skipped' && s.seconds !== undefined);
  if (ran.length < 2) return [];
  const slowest = [...ran].sort((a, b) => (b.seconds ?? 0) - (a.seconds ?? 0)).slice(0, count);
  return [
    `Slowest ${slowest.length} of ${ran.length} scenarios:`,
    ...slowest.map((s) => `  ${formatSeconds(s.seconds)}  ${s.name} (${s.uri}:${s.line})`),
  ];
}
