/**
 * The runner check from before the engine started: scripts/engine.sh saves the
 * runner's iptables before it starts dockerd and puts them back once it stopped it
 * (scripts/runner-firewall.sh); `engine.sh check` then says whether every table of
 * every variant is as found. npm test asks it after stopping an engine it started.
 */
import path from 'node:path';
import { execa } from 'execa';
import type { CheckResult } from './docker-checks.ts';

const ENGINE_SH = path.resolve(import.meta.dirname, 'engine.sh');

/** `engine.sh check`'s answer: 0 as before, 3 nothing saved (engine not ours), anything else differs. */
export function engineFirewallResult(exitCode: number, output: string): CheckResult | undefined {
  if (exitCode === 3) return undefined;
  const name = "the runner's iptables are as before the engine started (every table, IPv4 and IPv6)";
  const detail = output.trim() || `engine.sh check exited with ${exitCode}`;
  return { name, ok: exitCode === 0, detail: exitCode === 0 ? 'identical (counters aside)' : detail };
}

/** After `engine.sh stop`: undefined when engine.sh saved nothing (it did not start the engine). */
export async function engineFirewallCheck(): Promise<CheckResult | undefined> {
  const r = await execa('bash', [ENGINE_SH, 'check'], { reject: false, all: true });
  return engineFirewallResult(r.exitCode ?? 1, r.all ?? '');
}
