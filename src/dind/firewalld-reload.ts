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

/** The same lines in any order: Docker 26.1 restores FORWARD's jumps in another order. */
const sameLines = (a: string, b: string) =>
  a.split('\n').sort().join('\n') === b.split('\n').sort().join('\n');

/**
 * Wait until the host's firewall is what `settled` expects (the twin's model of Docker's
 * restore), polling every `intervalMs`; after `timeoutMs` go on (the twin's comparison then
 * shows the difference). Deterministic where the restore does not end as it began: on 26.1
 * a removed network's rules come back with the reload (profile.firewalldReload).
 */
export async function settleFirewallTo<S>(
  read: () => Promise<S>,
  settled: (state: S) => boolean,
  { timeoutMs = 90_000, intervalMs = 500 } = {},
): Promise<boolean> {
  const started = Date.now();
  for (;;) {
    if (settled(await read())) {
      log('firewalld reload reached the predicted firewall after %d ms', Date.now() - started);
      return true;
    }
    if (Date.now() - started > timeoutMs) {
      log('firewalld reload: not the predicted firewall within %d ms', timeoutMs);
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Wait until the host's firewall holds what it held `before` (Docker's restore is done),
 * polling every `intervalMs`; after `timeoutMs` go on (the twin's comparison then shows
 * the state). Order is not compared: 26.1 puts DOCKER-ISOLATION-STAGE-1's jump above
 * DOCKER-USER's after a reload (measured; the model does the same), so the wait asks for
 * the same lines, unchanged over one more interval (Docker's restore deletes and inserts
 * jumps: a moment with every line present is not yet the end of it).
 */
export async function settleAfterFirewalldReload(
  host: ExecOnHost,
  before: string,
  { timeoutMs = 90_000, intervalMs = 500 } = {},
): Promise<boolean> {
  const started = Date.now();
  let previous: string | undefined;
  for (;;) {
    const now = await dockerFirewallState(host);
    if (now === before || (sameLines(now, before) && now === previous)) {
      log('firewalld reload settled after %d ms', Date.now() - started);
      return true;
    }
    previous = now;
    if (Date.now() - started > timeoutMs) {
      log('firewalld reload: Docker did not restore its rules within %d ms', timeoutMs);
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
