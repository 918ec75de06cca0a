/**
 * `iptables-restore -n` (noflush) of a filter-table text, as ufw-init and ufw use it: a
 * `:CHAIN - [0:0]` line flushes a user chain that exists and creates one that does not,
 * a built-in chain's line sets its policy, every rule line is an iptables command.
 * Everything goes through the host's iptables, so the Docker model sees what ufw writes.
 */
import { parse as parseShell } from 'shell-quote';

export interface UfwCommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The host's iptables (IPv4): argv without the leading "iptables". */
export type UfwIptables = (argv: string[]) => UfwCommandResult;

const BUILTIN = new Set(['INPUT', 'FORWARD', 'OUTPUT']);

export function chainExists(iptables: UfwIptables, chain: string): boolean {
  return iptables(['-S', chain]).exitCode === 0;
}

/** Applies a restore text; an error names the line (ufw's own texts never fail). */
export function restoreNoflush(iptables: UfwIptables, text: string): void {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line === '*filter' || line === 'COMMIT') continue;
    if (line.startsWith(':')) {
      const [name = '', policy = '-'] = line.slice(1).split(/\s+/);
      if (BUILTIN.has(name)) {
        if (policy !== '-') check(iptables(['-P', name, policy]), line);
      } else if (chainExists(iptables, name)) {
        check(iptables(['-F', name]), line);
      } else {
        check(iptables(['-N', name]), line);
      }
      continue;
    }
    const words = parseShell(line).map((w) => {
      if (typeof w !== 'string') throw new Error(`ufw restore: not a plain rule line: ${line}`);
      return w;
    });
    check(iptables(words), line);
  }
}

function check(result: UfwCommandResult, line: string): void {
  if (result.exitCode !== 0) throw new Error(`ufw restore: "${line}" failed: ${result.stderr.trim()}`);
}
