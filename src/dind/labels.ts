/**
 * Labels on everything we create, so cleanup finds it: managed, the session id, and
 * the owning process (pid@hostname) so a later run can tell a dead session's leftovers
 * from a live one's.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export const LABEL_MANAGED = 'org.nettwin.managed';
export const LABEL_SESSION = 'org.nettwin.session';
export const LABEL_OWNER = 'org.nettwin.owner';
export const LABEL_ROLE = 'org.nettwin.role';
/** One run of several processes (npm test, its engines, cucumber's workers): its leak check. */
export const LABEL_RUN = 'org.nettwin.run';

/** What a session or run id looks like where it is made: lowercase hex (randomBytes). */
export const SESSION_ID_FORM = /^[0-9a-f]{1,64}$/;

/**
 * An id inherited from the environment, checked where it is read: it lands in labels,
 * container names and cleanup filters, so an id with other characters could name (and
 * remove) what another run owns. Throws for anything but lowercase hex.
 */
export function inheritedId(variable: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!SESSION_ID_FORM.test(value)) {
    throw new Error(
      `${variable}=${JSON.stringify(value.slice(0, 80))} is not a nettwin id (1-64 lowercase hex digits, as nettwin makes them): unset it or give a hex id`,
    );
  }
  return value;
}

/** One id per process; a child may inherit its parent's with NETTWIN_SESSION_ID. */
export const SESSION_ID: string =
  inheritedId('NETTWIN_SESSION_ID', process.env.NETTWIN_SESSION_ID) ?? randomBytes(6).toString('hex');

/** The run this process belongs to: inherited through NETTWIN_RUN_ID, else its own session. */
export const RUN_ID: string = inheritedId('NETTWIN_RUN_ID', process.env.NETTWIN_RUN_ID) ?? SESSION_ID;

export function ownerLabel(pid: number = process.pid, host: string = hostname()): string {
  return `${pid}@${host}`;
}

export function sessionLabels(role?: string): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL_MANAGED]: 'true',
    [LABEL_SESSION]: SESSION_ID,
    [LABEL_OWNER]: ownerLabel(),
    [LABEL_RUN]: RUN_ID,
  };
  if (role) labels[LABEL_ROLE] = role;
  return labels;
}

/** `--label k=v` words for the docker CLI. */
export function labelArgs(labels: Record<string, string>): string[] {
  return Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
}

/**
 * Is the owner of a label alive? Only decidable on this machine: a pid on another
 * host is treated as alive (never sweep what might be someone else's live run).
 */
export function ownerAlive(owner: string | undefined, host: string = hostname()): boolean {
  if (!owner) return false;
  const match = /^(\d+)@(.+)$/.exec(owner);
  if (!match) return false;
  if (match[2] !== host) return true;
  return processAlive(Number(match[1]));
}

/** Is process `pid` of this machine running: there, and not a zombie? */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * A killed process whose parent died too may stay a zombie until init reaps it: it
 * still answers kill(pid, 0), but it will never clean up after itself.
 */
function isZombie(pid: number): boolean {
  return processState(pid) === 'Z';
}

/** The state letter /proc/PID/stat shows ("R", "S", "Z" …), undefined for no such process. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S …": the state follows the last ')' (comm may contain one).
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}
