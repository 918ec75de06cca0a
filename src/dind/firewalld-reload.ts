/**
 * `firewall-cmd --reload` on a real host with firewalld and Docker: firewalld rebuilds its
 * table without Docker's zone, then Docker (told by firewalld's Reloaded signal) binds its
 * bridges to its zone again and re-creates its `FORWARD -j DOCKER-USER` jump. That takes
 * seconds (~25 s on a loaded 2-core machine, measured on 28.5) and ends with iptables and
 * the zone bindings as before. A step after the reload must meet the settled host, not
 * one half restored: the reload waits until Docker's part is back.
 */
import createDebug from 'debug';
import type { ExecResult } from './started-dind-host.ts';

const log = createDebug('nettwin:dind');

/** What Docker restores after a reload: its iptables rules and the interfaces bound in firewalld's table. */
const SNAPSHOT = [
  'sh',
  '-c',
  'iptables-save | grep -v "^#" | sed "s/\\[[0-9]*:[0-9]*\\]//"; nft list table inet firewalld 2>/dev/null | grep -o "[io]ifname \\"[^\\"]*\\"" | sort -u',
];

/** Does this host command reload firewalld (`firewall-cmd --reload`, `--complete-reload`)? */
export function reloadsFirewalld(command: string | readonly string[]): boolean {
  const words = typeof command === 'string' ? command.split(/\s+/) : [...command];
  const at = words.findIndex((w) => w === 'firewall-cmd' || w.endsWith('/firewall-cmd'));
  return at >= 0 && words.slice(at + 1).some((w) => w === '--reload' || w === '--complete-reload');
}

export interface ExecOnHost {
  exec(argv: string[]): Promise<ExecResult>;
}

/** The part of the host's firewall a reload takes away and Docker gives back. */
export async function dockerFirewallState(host: ExecOnHost): Promise<string> {
  return (await host.exec(SNAPSHOT)).stdout;
}

/**
 * Wait until the host's firewall is `before` again (Docker's restore is done), polling
 * every `intervalMs`; after `timeoutMs` go on (the twin's comparison then shows the state).
 */
export async function settleAfterFirewalldReload(
  host: ExecOnHost,
  before: string,
  { timeoutMs = 90_000, intervalMs = 500 } = {},
): Promise<boolean> {
  const started = Date.now();
  for (;;) {
    if ((await dockerFirewallState(host)) === before) {
      log('firewalld reload settled after %d ms', Date.now() - started);
      return true;
    }
    if (Date.now() - started > timeoutMs) {
      log('firewalld reload: Docker did not restore its rules within %d ms', timeoutMs);
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
