/**
 * The Docker side of one run: sweeps stale leftovers and owns the DinD hosts. Each
 * host carries its own outside world (src/dind/outside-world.ts), so hosts need no
 * shared network and any number of them, of any number of runs, coexist. With reuse
 * on (NETTWIN_REUSE_HOSTS=1, the default) a released host is reset — its daemon
 * restarted from a clean network store, the kernel state as before the daemon's first
 * start — and handed out again for the same version and daemon options; a host whose
 * reset does not give back its start ruleset is replaced.
 *
 * A reset takes about half a second, most of it the inner daemon's start. It begins
 * when the host is released, and a version and daemon options asked for again get a
 * second host, so that one resets while a scenario runs on the other: the next
 * scenario then finds a reset host waiting.
 */
import createDebug from 'debug';
import type { HostFirewall } from '../contract.ts';
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
import { ensureHostImages } from './foreign-image.ts';
import { SESSION_ID } from './labels.ts';
import type { StartedDindHost } from './started-dind-host.ts';

const log = createDebug('nettwin:dind');

export interface HostRequest {
  dockerVersion: string;
  daemonOptions?: string[];
  /** A host firewall started before dockerd; never reused for a request without it, nor back. */
  hostFirewall?: HostFirewall;
  /** IPv6 in the host and its outside world; never reused for a request without it, nor back. */
  ipv6?: boolean;
}

export function poolKey(r: HostRequest): string {
  const key = `${r.dockerVersion}\u0000${(r.daemonOptions ?? []).join(' ')}\u0000${r.hostFirewall ?? ''}`;
  return r.ipv6 ? `${key}\u0000ipv6` : key;
}

/** Idle hosts kept for reuse at most; the least recently used goes first. */
const MAX_IDLE_HOSTS = 4;

/** A released host on its way back: `ready` settles when its reset did (false: replace it). */
interface IdleHost {
  host: StartedDindHost;
  key: string;
  ready: Promise<boolean>;
  settled: boolean;
}

export class DindSession implements AsyncDisposable {
  /** Idle hosts, least recently released first. */
  private idle: IdleHost[] = [];
  /** Spare hosts being started for keys asked for again (see acquire). */
  private readonly spares = new Map<string, Promise<void>>();
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
      // NETTWIN_DIND_IMAGE of this version: checked, no recipe build (foreign-image.ts).
      ready = ensureHostImages(version, this.config);
      this.imagesReady.set(version, ready);
    }
    return ready;
  }

  /**
   * A ready host: with reuse on, an idle one whose reset is done, else one still
   * resetting, else a fresh one. A key found only resetting is a key that recurs: a
   * spare host is started for it in the background, so that from then on one host
   * resets while the other serves.
   */
  async acquire(request: HostRequest): Promise<StartedDindHost> {
    if (!this.config.reuseHosts) return this.startHost(request);
    const key = poolKey(request);
    for (;;) {
      const candidates = this.idle.filter((h) => h.key === key);
      const pick = candidates.findLast((h) => h.settled) ?? candidates.at(-1);
      if (!pick) break;
      this.idle = this.idle.filter((h) => h !== pick);
      if (!pick.settled && this.config.spareHosts && !this.spares.has(key)) this.startSpare(request, key);
      if (await pick.ready) return pick.host;
      log('Replacing DinD host "%s": reset did not restore its start ruleset', pick.host.name);
      await this.discard(pick.host);
    }
    await this.spares.get(key);
    const spare = this.idle.find((h) => h.key === key);
    if (spare) {
      this.idle = this.idle.filter((h) => h !== spare);
      if (await spare.ready) return spare.host;
      await this.discard(spare.host);
    }
    return this.startHost(request);
  }

  private startSpare(request: HostRequest, key: string): void {
    const started = this.startHost(request).then(
      (host) => {
        this.idle.push({ host, key, ready: Promise.resolve(true), settled: true });
        this.trimIdle();
      },
      (error: unknown) => log('A spare host for %s did not start: %s', request.dockerVersion, String(error)),
    );
    this.spares.set(key, started);
    void started.finally(() => {
      if (this.spares.get(key) === started) this.spares.delete(key);
    });
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
        ...(request.hostFirewall ? { hostFirewall: request.hostFirewall } : {}),
        ...(request.ipv6 ? { ipv6: true } : {}),
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
    // A reset restores the IPv4 rules recorded before dockerd, not ip6tables': ufw's IPv6
    // rules would be gone from a reset ufw host (docker/common/reset.sh records iptables-save only).
    if (host.identity.hostFirewall === 'ufw') return this.discard(host);
    const entry: IdleHost = {
      host,
      key: poolKey(host.identity),
      ready: Promise.resolve(false),
      settled: false,
    };
    entry.ready = host.reset().then(
      (ok) => {
        entry.settled = true;
        return ok;
      },
      (error: unknown) => {
        entry.settled = true;
        log('Reset of DinD host "%s" failed: %s', host.name, String(error));
        return false;
      },
    );
    this.idle.push(entry);
    this.trimIdle();
  }

  /** Beyond MAX_IDLE_HOSTS, the least recently released go (after their reset, not during it). */
  private trimIdle(): void {
    while (this.idle.length > MAX_IDLE_HOSTS) {
      const oldest = this.idle.shift() as IdleHost;
      void oldest.ready.then(() => this.discard(oldest.host));
    }
  }

  private async discard(host: StartedDindHost): Promise<void> {
    this.live.delete(host);
    this.idle = this.idle.filter((h) => h.host !== host);
    await host.stop().catch((e: unknown) => log('Stopping "%s" failed: %s', host.name, String(e)));
  }

  async dispose(): Promise<void> {
    // A spare still starting is live only once started: wait for it, then stop all.
    await Promise.all([...this.spares.values()]);
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
