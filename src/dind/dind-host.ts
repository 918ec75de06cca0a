/**
 * `DindHost` → `start()` → `StartedDindHost`: a throwaway Docker engine of a given
 * version with an outside world of its own, started with the first strategy that works.
 */
import createDebug from 'debug';
import type { HostFirewall } from '../contract.ts';
import { type DindConfig, loadDindConfig } from './config.ts';
import { DindContainer } from './dind-container.ts';
import { requireDocker } from './docker-client.ts';
import { DindStartError } from './errors.ts';
import { checkHostFirewall, hostImage } from './foreign-image.ts';
import { sessionLabels } from './labels.ts';
import { outsideWorldEnvironment } from './outside-world.ts';
import { enableOutsideWorldIpv6 } from './outside-world-ipv6.ts';
import { rememberStrategy, strategiesToTry } from './start-strategies.ts';
import { StartedDindHost } from './started-dind-host.ts';

const log = createDebug('nettwin:dind');

export interface DindHostOptions {
  name: string;
  dockerVersion: string;
  daemonOptions?: string[];
  /** Started before dockerd by the image's entrypoint (NETTWIN_HOST_FIREWALL). */
  hostFirewall?: HostFirewall;
  /** IPv6 in the host and its outside world (fd70::6/64, client fd70::9, neighbour fd70::a). */
  ipv6?: boolean;
  /** Defaults to the configured image of dockerVersion. */
  image?: string;
  config?: DindConfig;
}

export class DindHost {
  constructor(private readonly options: DindHostOptions) {}

  async start(): Promise<StartedDindHost> {
    const config = this.options.config ?? loadDindConfig();
    const { name, dockerVersion } = this.options;
    const address = config.hostAddress;
    const daemonOptions = this.options.daemonOptions ?? [];
    const { hostFirewall, ipv6 } = this.options;
    // NETTWIN_DIND_IMAGE when it runs this version; an image without nettwin's scripts is checked first.
    const { image, foreign } = await hostImage(config, dockerVersion, this.options.image);
    if (foreign) checkHostFirewall(foreign, hostFirewall);
    const docker = await requireDocker();
    const attempts: Array<{ strategy: string; error: string }> = [];
    for (const strategy of strategiesToTry()) {
      log(
        'Starting DinD host "%s" (Docker %s, %s, %s at %s)...',
        name,
        dockerVersion,
        image,
        strategy.name,
        address,
      );
      const started = Date.now();
      const container = new DindContainer({
        image,
        name,
        address,
        outside: outsideWorldEnvironment(config),
        daemonOptions,
        ...(hostFirewall ? { hostFirewall } : {}),
        ...(ipv6 ? { ipv6 } : {}),
        labels: sessionLabels('dind-host'),
        strategy,
        // firewalld (python) starts before dockerd: ~20 s on a loaded 2-core machine, more
        // when several hosts start at once.
        startupTimeoutMs: config.startupTimeoutMs + (hostFirewall === 'firewalld' ? 120_000 : 0),
        ...(foreign ? { foreign: true } : {}),
      });
      try {
        const startedContainer = await container.start();
        rememberStrategy(strategy);
        const host = new StartedDindHost(startedContainer, {
          name,
          dockerVersion,
          daemonOptions,
          ...(hostFirewall ? { hostFirewall } : {}),
          ...(ipv6 ? { ipv6 } : {}),
          address,
          strategy: strategy.name,
        });
        if (ipv6) await enableOutsideWorldIpv6(host);
        host.startSeconds = (Date.now() - started) / 1000;
        await host.recordStartState();
        log(
          'Started DinD host "%s" with ID "%s" using %s in %ds',
          name,
          host.id,
          strategy.name,
          host.startSeconds,
        );
        return host;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        attempts.push({ strategy: strategy.name, error: message });
        log('DinD host "%s" failed with %s: %s', name, strategy.name, message.split('\n')[0]);
        // A failed start leaves a created (or exited) container behind.
        await docker
          .getContainer(name)
          .remove({ force: true, v: true })
          .catch(() => undefined);
      }
    }
    throw new DindStartError(name, attempts);
  }
}
