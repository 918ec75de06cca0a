/**
 * Nothing left behind. Everything we create carries org.nettwin.* labels; this module
 * removes this session's resources on exit and on SIGINT/SIGTERM, and sweeps those of
 * dead sessions (owner pid gone) at start. Images built from recipes carry no session
 * label on purpose: they are the build cache.
 */
import { spawnSync } from 'node:child_process';
import createDebug from 'debug';
import { requireDocker } from './docker-client.ts';
import {
  LABEL_MANAGED,
  LABEL_OWNER,
  LABEL_SESSION,
  ownerAlive,
  SESSION_ID,
  SESSION_ID_FORM,
} from './labels.ts';

const log = createDebug('nettwin:cleanup');

export interface RemovedCounts {
  containers: number;
  networks: number;
  volumes: number;
  images: number;
}

export type Selector = (labels: Record<string, string> | undefined) => boolean;

/**
 * Remove what `select` picks, again while something is left: a container whose
 * creation was under way when the first pass listed them (Ctrl-C mid-start) shows up
 * later and keeps its network in use until it is gone too.
 */
async function removeWhere(select: Selector): Promise<RemovedCounts> {
  const counts: RemovedCounts = { containers: 0, networks: 0, volumes: 0, images: 0 };
  for (let pass = 0; pass < 6; pass++) {
    const left = await removePass(select, counts);
    if (left === 0) break;
    log('%d resources still there after pass %d; once more', left, pass + 1);
    await new Promise((r) => setTimeout(r, 500));
  }
  return counts;
}

/** One pass: containers first (they hold networks), then networks, volumes, images. Returns what is left. */
async function removePass(select: Selector, counts: RemovedCounts): Promise<number> {
  const docker = await requireDocker();
  const filters = { label: [`${LABEL_MANAGED}=true`, LABEL_SESSION] };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers
      .filter((c) => select(c.Labels))
      .map(async (c) => {
        await docker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .then(() => counts.containers++)
          .catch((e: unknown) => log('Could not remove container %s: %s', c.Id, String(e)));
      }),
  );
  for (const n of await docker.listNetworks({ filters })) {
    if (!select(n.Labels)) continue;
    await docker
      .getNetwork(n.Id)
      .remove()
      .then(() => counts.networks++)
      .catch((e: unknown) => log('Could not remove network %s: %s', n.Name, String(e)));
  }
  const { Volumes } = await docker.listVolumes({ filters });
  for (const v of Volumes ?? []) {
    if (!select(v.Labels)) continue;
    await docker
      .getVolume(v.Name)
      .remove()
      .then(() => counts.volumes++)
      .catch(() => undefined);
  }
  for (const image of await docker.listImages({ filters })) {
    if (!select(image.Labels)) continue;
    await docker
      .getImage(image.Id)
      .remove({ force: true })
      .then(() => counts.images++)
      .catch(() => undefined);
  }
  return (await labelledResources(select)).length;
}

/**
 * Our containers, networks and volumes (label org.nettwin.managed) that `select` picks,
 * one line each: "container <id> <name>", "network <id> <name>", "volume <name>".
 */
export async function labelledResources(select: Selector = () => true): Promise<string[]> {
  const docker = await requireDocker();
  // Both labels, as removePass lists them: a container someone runs by hand from one of
  // our images inherits the image's managed label but belongs to no session of ours.
  const filters = { label: [`${LABEL_MANAGED}=true`, LABEL_SESSION] };
  const [containers, networks, { Volumes }] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return [
    ...containers
      .filter((c) => select(c.Labels))
      .map((c) => `container ${c.Id.slice(0, 12)} ${(c.Names[0] ?? '').replace(/^\//, '')}`),
    ...networks.filter((n) => select(n.Labels)).map((n) => `network ${n.Id.slice(0, 12)} ${n.Name}`),
    ...(Volumes ?? []).filter((v) => select(v.Labels)).map((v) => `volume ${v.Name}`),
  ];
}

/** Remove every labelled resource of a session (default: this one). */
export async function removeSession(session: string = SESSION_ID): Promise<RemovedCounts> {
  const counts = await removeWhere((labels) => labels?.[LABEL_SESSION] === session);
  log('Removed session "%s" resources: %o', session, counts);
  return counts;
}

/** Remove resources of sessions whose owning process is gone. */
export async function sweepStaleSessions(): Promise<RemovedCounts> {
  const counts = await removeWhere(
    (labels) => labels?.[LABEL_SESSION] !== SESSION_ID && !ownerAlive(labels?.[LABEL_OWNER]),
  );
  if (counts.containers + counts.networks + counts.volumes + counts.images > 0) {
    log('Swept stale nettwin resources: %o', counts);
  }
  return counts;
}

let installed = false;
let interrupted: NodeJS.Signals | undefined;
const starting = new Set<Promise<unknown>>();

/** Throws once SIGINT/SIGTERM arrived: nothing new may be started while we clean up. */
export function assertNotInterrupted(what: string): void {
  if (interrupted) throw new Error(`${what}: not started, the run was interrupted (${interrupted})`);
}

/**
 * Register a container start under way. Ctrl-C waits for these before it cleans up:
 * the daemon finishes a create it was asked for even if we exit, and a container made
 * after the cleanup listed them would outlive the run.
 */
export function trackStart<T>(start: Promise<T>): Promise<T> {
  starting.add(start);
  const done = () => starting.delete(start);
  start.then(done, done);
  return start;
}

async function settleStarts(seconds: number): Promise<void> {
  if (starting.size === 0) return;
  log('Waiting for %d container start(s) to settle before cleaning up', starting.size);
  await Promise.race([
    Promise.allSettled([...starting]),
    new Promise((r) => setTimeout(r, seconds * 1000).unref()),
  ]);
}

/**
 * On SIGINT/SIGTERM: remove this session's resources, then exit with 130/143 (the
 * conventional codes). `beforeExit` covers a normal end without an explicit dispose.
 */
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  const onSignal = (signal: NodeJS.Signals) => {
    // Ctrl-C reaches us twice (from the terminal and relayed by tsx/npx): a second signal
    // must not kill the process half-way through its cleanup.
    if (interrupted) {
      log('Received %s again: the cleanup after %s is under way', signal, interrupted);
      return;
    }
    log('Received %s: removing session "%s" resources', signal, SESSION_ID);
    interrupted = signal;
    const code = signal === 'SIGINT' ? 130 : 143;
    const timer = setTimeout(() => process.exit(code), 30_000);
    // Remove what exists now (the process may not get much longer), then once more
    // after the starts under way have settled.
    removeSession()
      .then(() => settleStarts(10))
      .then(() => removeSession())
      .catch((e: unknown) => console.error(`nettwin: cleanup after ${signal} failed: ${String(e)}`))
      .finally(() => {
        clearTimeout(timer);
        process.exit(code);
      });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.once('beforeExit', () => {
    void removeSession().catch(() => undefined);
  });
  // process.exit() (cucumber ends that way) skips beforeExit; only sync work runs here.
  process.once('exit', () => removeSessionSync());
}

/** The docker CLI's ids for `args` (`ps -aq …`, `network ls -q …`), or none when it cannot answer. */
function dockerIds(args: string[], deadline: number): string[] {
  const r = spawnSync('docker', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: Math.max(1, deadline - Date.now()),
  });
  return r.status === 0 ? r.stdout.split(/\s+/).filter(Boolean) : [];
}

function docker(args: string[], deadline: number): void {
  spawnSync('docker', args, { stdio: 'ignore', timeout: Math.max(1, deadline - Date.now()) });
}

/**
 * The docker CLI, synchronously (an `exit` handler may do nothing else): containers,
 * then networks and volumes of this session. Every word is an argv element, no shell:
 * the id is checked against the form it is made in, so no filter is ever wider than
 * this session's own label.
 */
export function removeSessionSync(session: string = SESSION_ID): void {
  if (!SESSION_ID_FORM.test(session)) {
    log('Not removing session %o: not a session id', session);
    return;
  }
  const filter = ['--filter', `label=${LABEL_SESSION}=${session}`];
  const deadline = Date.now() + 30_000;
  // A network can stay "in use" for a moment after its last container went: retry.
  for (let pass = 0; pass < 4 && Date.now() < deadline; pass++) {
    const containers = dockerIds(['ps', '-aq', ...filter], deadline);
    if (containers.length > 0) docker(['rm', '-f', '-v', ...containers], deadline);
    const networks = dockerIds(['network', 'ls', '-q', ...filter], deadline);
    if (networks.length > 0) docker(['network', 'rm', ...networks], deadline);
    const volumes = dockerIds(['volume', 'ls', '-q', ...filter], deadline);
    if (volumes.length > 0) docker(['volume', 'rm', ...volumes], deadline);
    if (dockerIds(['network', 'ls', '-q', ...filter], deadline).length === 0) break;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
}
