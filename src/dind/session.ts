/**
 * The Docker side of one run: sweeps stale leftovers, owns the outer network, the
 * outer client and the DinD hosts. With reuse on (NETTWIN_REUSE_HOSTS=1, the default)
 * a released host is reset and handed out again for the same version and daemon
 * options; a host whose reset does not restore its start ruleset is replaced.
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
import { type StartedOuterClient, startOuterClient } from './outer-client.ts';
import { createOuterNetwork, type StartedOuterNetwork } from './outer-network.ts';
import type { StartedDindHost } from './started-dind-host.ts';

const log = createDebug('nettwin:dind');

export interface HostRequest {
  dockerVersion: string;
  daemonOptions?: string[];
}

function poolKey(r: HostRequest): string {
  return `${r.dockerVersion}\u0000${(r.daemonOptions ?? []).join(' ')}`;
}

export class DindSession implements AsyncDisposable {
  private network?: StartedOuterNetwork;
  private client?: Promise<StartedOuterClient>;
  private readonly idle = new Map<string, StartedDindHost[]>();
  private readonly live = new Set<StartedDindHost>();
  private readonly usedSlots = new Set<number>();
  private setup?: Promise<StartedOuterNetwork>;
  private readonly imagesReady = new Map<string, Promise<void>>();

  constructor(readonly config: DindConfig = loadDindConfig()) {}

  private init(): Promise<StartedOuterNetwork> {
    this.setup ??= (async () => {
      assertNotInterrupted('outer network');
      await requireDocker();
      installCleanupHandlers();
      await sweepStaleSessions();
      this.network = await trackStart(createOuterNetwork(this.config));
      return this.network;
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
      const pool = this.idle.get(poolKey(request)) ?? [];
      while (pool.length > 0) {
        const host = pool.pop() as StartedDindHost;
        if (await host.reset()) return host;
        log('Replacing DinD host "%s": reset did not restore its start ruleset', host.name);
        await this.discard(host);
      }
      // Idle hosts of other versions or daemon options hold the low addresses: features
      // name the host 192.168.70.6, so the new host must get the first slot.
      for (const [key, others] of this.idle) {
        for (const other of others) await this.discard(other);
        this.idle.delete(key);
      }
    }
    return this.startHost(request);
  }

  /** A fresh host (never a reused one). */
  async startHost(request: HostRequest): Promise<StartedDindHost> {
    assertNotInterrupted('DinD host');
    const network = await this.init();
    await this.ensureImagesFor(request.dockerVersion);
    let slot = 0;
    while (this.usedSlots.has(slot)) slot++;
    this.usedSlots.add(slot);
    const name = `nettwin-${SESSION_ID}-host${slot}-${process.pid}`;
    try {
      const host = await trackStart(
        new DindHost({
          name,
          dockerVersion: request.dockerVersion,
          daemonOptions: request.daemonOptions ?? [],
          network,
          address: network.hostAddress(slot),
          config: this.config,
        }).start(),
      );
      (host as { slot?: number }).slot = slot;
      this.live.add(host);
      return host;
    } catch (error) {
      this.usedSlots.delete(slot);
      throw error;
    }
  }

  /**
   * Hand a host back: kept for reuse, or stopped. `reusable: false` for a host whose
   * interfaces or namespaces a scenario changed (reset() restores only Docker's state).
   */
  async release(host: StartedDindHost, options: { reusable?: boolean } = {}): Promise<void> {
    if (!this.config.reuseHosts || options.reusable === false) return this.discard(host);
    const key = poolKey(host.identity);
    const pool = this.idle.get(key) ?? [];
    pool.push(host);
    this.idle.set(key, pool);
  }

  private async discard(host: StartedDindHost): Promise<void> {
    this.live.delete(host);
    this.usedSlots.delete((host as { slot?: number }).slot ?? -1);
    await host.stop().catch((e: unknown) => log('Stopping "%s" failed: %s', host.name, String(e)));
  }

  /** The outer client ("external"), started on first use. */
  async outerClient(): Promise<StartedOuterClient> {
    const network = await this.init();
    this.client ??= (async () => {
      assertNotInterrupted('outer client');
      await ensureImages([], this.config);
      return trackStart(startOuterClient(this.config.workloadImage, network));
    })();
    return this.client;
  }

  get outerNetwork(): StartedOuterNetwork | undefined {
    return this.network;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.live].map((h) => this.discard(h)));
    this.idle.clear();
    if (this.client) await (await this.client.catch(() => undefined))?.stop().catch(() => undefined);
    this.client = undefined;
    await this.network?.remove();
    this.network = undefined;
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
