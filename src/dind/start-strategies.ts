/**
 * How to run dockerd inside a container, tried in turn: `--privileged` first; where
 * the runner's bounding set lacks CAP_SYS_RESOURCE that fails ("unable to apply caps"),
 * and the capability set measured to work there is used instead.
 */
import type { GenericContainer } from 'testcontainers';

export interface StartStrategy {
  name: 'privileged' | 'capabilities';
  apply(container: GenericContainer): void;
}

export const privilegedStrategy: StartStrategy = {
  name: 'privileged',
  apply: (container) => {
    container.withPrivilegedMode();
  },
};

export const capabilityStrategy: StartStrategy = {
  name: 'capabilities',
  apply: (container) => {
    container
      .withAddedCapabilities('ALL')
      .withDroppedCapabilities('SYS_RESOURCE')
      .withSecurityOpt('seccomp=unconfined', 'apparmor=unconfined')
      .withBindMounts([{ source: '/sys/fs/cgroup', target: '/sys/fs/cgroup', mode: 'rw' }]);
  },
};

let known: StartStrategy | undefined;

/** Strategies to try, the one that worked last first (a failed privileged start costs ~0.3 s). */
export function strategiesToTry(): StartStrategy[] {
  if (known) return [known];
  const forced = process.env.NETTWIN_DIND_STRATEGY;
  if (forced === 'privileged') return [privilegedStrategy];
  if (forced === 'capabilities') return [capabilityStrategy];
  return [privilegedStrategy, capabilityStrategy];
}

export function rememberStrategy(strategy: StartStrategy): void {
  known = strategy;
}
