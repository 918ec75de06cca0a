/**
 * How to run dockerd inside a container, tried in turn: `--privileged` first; where
 * the runner's bounding set lacks CAP_SYS_RESOURCE that fails ("unable to apply caps"),
 * and the capability set measured to work there is used instead.
 *
 * Either way the host is root on the runner's kernel (every capability, no seccomp, no
 * AppArmor): what a feature runs there, the runner runs. The fallback keeps one thing
 * out of reach that a host does not need: the runner's cgroup tree. It runs the host in
 * a cgroup namespace of its own, whose cgroup Docker mounts read-only and the
 * entrypoint makes writable (docker/common/dind-entrypoint.sh); measured on cgroup v1
 * (2026-12-06): hosts start and serve their scenarios as with the read-write bind mount
 * of the runner's /sys/fs/cgroup that this replaces.
 */
import type { DindContainer } from './dind-container.ts';

export interface StartStrategy {
  name: 'privileged' | 'capabilities';
  apply(container: DindContainer): void;
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
      .withCgroupnsMode('private');
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
