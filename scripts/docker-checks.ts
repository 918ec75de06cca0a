/**
 * The checks npm test runs around the real-Docker part: nothing of ours may outlive
 * the run (containers, networks, volumes labelled org.nettwin.managed) and the
 * runner's own iptables must be exactly as before (DinD hosts have their own).
 */
import { execa } from 'execa';
import { labelledResources } from '../src/dind/cleanup.ts';
import { LABEL_RUN } from '../src/dind/labels.ts';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

/** Resources of run `run` (default: every run) still present. Other runs may be live beside this one. */
export async function leakCheck(run?: string): Promise<CheckResult> {
  const name = 'no container, network or volume of nettwin outlives the run';
  try {
    const left = await labelledResources((labels) => run === undefined || labels?.[LABEL_RUN] === run);
    return {
      name,
      ok: left.length === 0,
      detail: left.length === 0 ? 'none left' : `left behind:\n  ${left.join('\n  ')}`,
    };
  } catch (error) {
    return { name, ok: false, detail: `could not list resources: ${(error as Error).message}` };
  }
}

/**
 * The runner's ruleset without counters: `iptables-save` prints packet counts on chain
 * lines and a timestamp in comments, and both move on their own.
 */
export function comparableRuleset(save: string): string {
  return save
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .map((line) => line.replace(/ \[\d+:\d+\]$/, ''))
    .join('\n');
}

/** undefined where the runner has no iptables we may read (not root, not installed). */
export async function runnerRuleset(): Promise<string | undefined> {
  const r = await execa('iptables-save', [], { reject: false });
  return r.exitCode === 0 ? comparableRuleset(r.stdout) : undefined;
}

/** undefined when there is nothing to compare (no iptables-save for this user): not counted. */
export function runnerIptablesCheck(
  before: string | undefined,
  after: string | undefined,
): CheckResult | undefined {
  const name = "the runner's own iptables are unchanged by the run";
  if (before === undefined || after === undefined) return undefined;
  if (before === after) return { name, ok: true, detail: 'identical before and after (counters aside)' };
  const a = new Set(before.split('\n'));
  const b = new Set(after.split('\n'));
  const removed = [...a].filter((l) => !b.has(l)).map((l) => `- ${l}`);
  const added = [...b].filter((l) => !a.has(l)).map((l) => `+ ${l}`);
  const diff = [...removed, ...added];
  return {
    name,
    ok: false,
    detail: diff.length > 0 ? `differences:\n  ${diff.join('\n  ')}` : 'same rules in a different order',
  };
}
