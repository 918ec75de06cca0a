/**
 * A DinD host as a testcontainers GenericContainer (modelled on the k3s module): the
 * defaults are set in the constructor, no network of the runner (the entrypoint builds
 * the host's own eth0 and outside world), a tmpfs /var/lib/docker (overlay on overlay
 * does not work) and readiness = the inner `docker info` answers. An image nettwin did
 * not build (foreign-image.ts) gets docker/common's scripts copied in before it starts
 * and runs nettwin's entrypoint instead of its own.
 */
import { GenericContainer, Wait } from 'testcontainers';
import type { HostFirewall } from '../contract.ts';
import { commonScriptFiles, FOREIGN_ENTRYPOINT } from './foreign-image.ts';
import { ipv6HostSysctls } from './outside-world-ipv6.ts';
import type { StartStrategy } from './start-strategies.ts';

export interface DindContainerOptions {
  image: string;
  name: string;
  address: string;
  /** The entrypoint's outside-world settings (outsideWorldEnvironment). */
  outside: Record<string, string>;
  daemonOptions: string[];
  /** The entrypoint starts it before dockerd (docker/common/host-firewall.sh). */
  hostFirewall?: HostFirewall;
  /** IPv6 on and quiet in the host's namespace from its start (outside-world-ipv6.ts). */
  ipv6?: boolean;
  labels: Record<string, string>;
  strategy: StartStrategy;
  startupTimeoutMs: number;
  /** An image without nettwin's scripts (NETTWIN_DIND_IMAGE): copy them in, run our entrypoint. */
  foreign?: boolean;
}

export class DindContainer extends GenericContainer {
  constructor(options: DindContainerOptions) {
    super(options.image);
    this.withName(options.name)
      .withHostname(options.name)
      .withLabels(options.labels)
      .withEnvironment(hostEnvironment(options))
      .withTmpFs({ '/var/lib/docker': 'rw,exec' })
      .withNetworkMode('none')
      .withWaitStrategy(Wait.forSuccessfulCommand('docker info >/dev/null 2>&1'))
      .withStartupTimeout(options.startupTimeoutMs)
      .withAutoRemove(false);
    options.strategy.apply(this);
    // The image's own entrypoint (docker:*-dind's dockerd-entrypoint.sh) would start
    // dockerd without the outside world, the recorded state or the reset loop.
    if (options.foreign)
      this.withCopyFilesToContainer(commonScriptFiles()).withEntrypoint(FOREIGN_ENTRYPOINT);
    // testcontainers has no setter for sysctls.
    if (options.ipv6) Object.assign(this.hostConfig, { Sysctls: ipv6HostSysctls() });
  }

  /** Docker's `--cgroupns` (testcontainers has no setter for it). */
  withCgroupnsMode(mode: 'private' | 'host'): this {
    Object.assign(this.hostConfig, { CgroupnsMode: mode });
    return this;
  }
}

/**
 * What the entrypoint (docker/common/dind-entrypoint.sh) reads: the outside world,
 * dockerd's options, and a host firewall to start before dockerd only when one is asked
 * for (a plain host starts none: NETTWIN_HOST_FIREWALL is then absent, not empty).
 */
export function hostEnvironment(
  options: Pick<DindContainerOptions, 'address' | 'daemonOptions' | 'outside' | 'hostFirewall'>,
): Record<string, string> {
  return {
    ...options.outside,
    NETTWIN_DOCKERD_OPTS: dockerdOptions(options).join(' '),
    ...(options.hostFirewall ? { NETTWIN_HOST_FIREWALL: options.hostFirewall } : {}),
  };
}

/**
 * The inner dockerd's options: the scenario's, after a nameserver of our own. The host's
 * LAN leads nowhere, so no nameserver answers; without one Docker would give its
 * containers 8.8.8.8 and a failed lookup would wait out 20 s of timeouts. The host's
 * own address refuses at once (nothing listens on port 53) and keeps every query on
 * the project's own test host. It writes no rule.
 */
export function dockerdOptions(options: Pick<DindContainerOptions, 'address' | 'daemonOptions'>): string[] {
  const ownDns = options.daemonOptions.some((o) => o === '--dns' || o.startsWith('--dns='));
  return [...(ownDns ? [] : ['--dns', options.address]), ...options.daemonOptions];
}
