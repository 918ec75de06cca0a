/**
 * Nothing left behind. Everything we create carries org.nettwin.* labels; this module
 * removes this session's resources on exit and on SIGINT/SIGTERM, and sweeps those of
 * dead sessions (owner pid gone) at start. Images built from recipes carry no session
 * label on purpose: they are the build cache.
 */
import { spawnSync } from 'node:child_process';
import createDebug from 'debug';
import { requireDocker } from './docker-client.ts';
import { LABEL_MANAGED, LABEL_OWNER, LABEL_SESSION, ownerAlive, SESSION_ID } from './labels.ts';

const log = createDebug('nettwin:cleanup');

export interface RemovedCounts {
  containers: number;
  networks: number;
  volumes: number;
  images: number;
}

type Selector = (labels: Record<string, string> | undefined) => boolean;

async function removeWhere(select: Selector): Promise<RemovedCounts> {
  const docker = await requireDocker();
  const counts: RemovedCounts = { containers: 0, networks: 0, volumes: 0, images: 0 };
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
  return counts;
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

/**
 * On SIGINT/SIGTERM: remove this session's resources, then exit with 130/143 (the
 * conventional codes). `beforeExit` covers a normal end without an explicit dispose.
 */
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  const onSignal = (signal: NodeJS.Signals) => {
    log('Received %s: removing session "%s" resources', signal, SESSION_ID);
    const code = signal === 'SIGINT' ? 130 : 143;
    const timer = setTimeout(() => process.exit(code), 20_000);
    removeSession()
      .catch((e: unknown) => console.error(`nettwin: cleanup after ${signal} failed: ${String(e)}`))
      .finally(() => {
        clearTimeout(timer);
        process.exit(code);
      });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('beforeExit', () => {
    void removeSession().catch(() => undefined);
  });
  // process.exit() (cucumber ends that way) skips beforeExit; only sync work runs here.
  process.once('exit', removeSessionSync);
}

/** The docker CLI, synchronously: containers, then networks and volumes of this session. */
export function removeSessionSync(): void {
  const filter = `label=${LABEL_SESSION}=${SESSION_ID}`;
  const script = [
    `docker ps -aq --filter "${filter}" | xargs -r docker rm -f -v`,
    `docker network ls -q --filter "${filter}" | xargs -r docker network rm`,
    `docker volume ls -q --filter "${filter}" | xargs -r docker volume rm`,
  ].join('; ');
  spawnSync('sh', ['-c', script], { stdio: 'ignore', timeout: 30_000 });
}
