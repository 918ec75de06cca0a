/**
 * The Docker side of one run: sweeps stale leftovers and owns the DinD hosts. Each
 * host carries its own outside world (src/dind/outside-world.ts), so hosts need no
 * shared network and any number of them, of any number of runs, coexist. With reuse
 * on (NETTWIN_REUSE_HOSTS=1, the default) a released host is reset — its daemon
 * restarted from a clean network store, the kernel state as before the daemon's first
 * start — and handed out again for the same version and daemon options; a host whose
 * reset does not give back its start ruleset is replaced.
 */
import createDebug from 'debug';
import {
  assertNotInterrupted,
  installCleanupHandlers,
  removeSession,
  sweepStaleSessions,
  trackStart,
} from './cleanup.ts';
import { type DindConfig, loadDindConfig } from './config.ts';
import { DindHost } from './dind-host.ts';
import { requireDocker } from './docker-client.ts';
import { ensureImages } from './images/ensure-images.ts';
import { SESSION_ID } from './labels.ts';
import type { StartedDindHost } from './started-dind-host.ts';

const log = createDebug('nettwin:dind');

export interface HostRequest {
  dockerVersion: string;
  daemonOptions?: string[];
}

function poolKey(r: HostRequest): string {
  return `${r.dockerVersion}\u0000${(r.daemonOptions ?? []).join(' ')}`;
}

/** Idle hosts kept for reuse at most; the least recently used goes first. */
const MAX_IDLE_HOSTS = 4;

export class DindSession implements AsyncDisposable {
  /** Idle hosts, least recently released first. */
  private idle: StartedDindHost[] = [];
  private readonly live = new Set<StartedDindHost>();
  private setup?: Promise<void>;
  private readonly imagesReady = new Map<string, Promise<void>>();
  private hostCount = 0;

  constructor(readonly config: DindConfig = loadDindConfig()) {}

  private init(): Promise<void> {
    this.setup ??= (async () => {
      assertNotInterrupted('DinD host');
      await requireDocker();
      installCleanupHandlers();
      await sweepStaleSessions();
    })();
    return this.setup;
  }

  private ensureImagesFor(version: string): Promise<void> {
    let ready = this.imagesReady.get(version);
    if (!ready) {
      ready = ensureImages([version], this.config);
      this.imagesReady.set(version, ready);
    }
    return ready;
  }

  /** A ready host: a reset idle one when reuse is on, else a fresh one. */
  async acquire(request: HostRequest): Promise<StartedDindHost> {
    if (this.config.reuseHosts) {
      const key = poolKey(request);
      let index = this.idle.findLastIndex((h) => poolKey(h.identity) === key);
      while (index >= 0) {
        const [host] = this.idle.splice(index, 1) as [StartedDindHost];
        if (await host.reset()) return host;
        log('Replacing DinD host "%s": reset did not restore its start ruleset', host.name);
        await this.discard(host);
        index = this.idle.findLastIndex((h) => poolKey(h.identity) === key);
      }
    }
    return this.startHost(request);
  }

  /** A fresh host (never a reused one). */
  async startHost(request: HostRequest): Promise<StartedDindHost> {
    assertNotInterrupted('DinD host');
    await this.init();
    await this.ensureImagesFor(request.dockerVersion);
    const name = `nettwin-${SESSION_ID}-host${this.hostCount++}-${process.pid}`;
    const host = await trackStart(
      new DindHost({
        name,
        dockerVersion: request.dockerVersion,
        daemonOptions: request.daemonOptions ?? [],
        config: this.config,
      }).start(),
    );
    this.live.add(host);
    return host;
  }

  /**
   * Hand a host back: kept for reuse, or stopped. `reusable: false` for a host whose
   * interfaces or namespaces a scenario rebuilt (a standalone host).
   */
  async release(host: StartedDindHost, options: { reusable?: boolean } = {}): Promise<void> {
    if (!this.config.reuseHosts || options.reusable === false) return this.discard(host);
    this.idle.push(host);
    while (this.idle.length > MAX_IDLE_HOSTS) await this.discard(this.idle.shift() as StartedDindHost);
  }

  private async discard(host: StartedDindHost): Promise<void> {
    this.live.delete(host);
    this.idle = this.idle.filter((h) => h !== host);
    await host.stop().catch((e: unknown) => log('Stopping "%s" failed: %s', host.name, String(e)));
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.live].map((h) => this.discard(h)));
    this.idle = [];
    this.setup = undefined;
    await removeSession().catch(() => undefined);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

let shared: DindSession | undefined;

/** The process-wide session (steps and the bench share hosts through it). */
export function sharedDindSession(): DindSession {
  shared ??= new DindSession();
  return shared;
}

/** Dispose the process-wide session if one was made (npm test does, before its leak check). */
export async function disposeSharedDindSession(): Promise<void> {
  const session = shared;
  shared = undefined;
  await session?.dispose();
}
