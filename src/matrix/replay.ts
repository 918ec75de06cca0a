/**
 * The scenario's Docker actions, recorded as they pass to the backend and replayed on
 * another model: `Then upgrading to Docker 29.7 changes the reachability:` builds the same
 * host under two versions. The recorder is a Proxy: every other property (the twin's
 * `model`, the dind backend's `execAs`) passes through untouched. A refused action is not
 * recorded (it changed nothing on the host).
 */
import type { Backend, HostOptions } from '../backends/backend.ts';

/** The Backend methods that change the host (what a replay must do again), in contract order. */
export const REPLAYED_METHODS = [
  'startHost',
  'createNetwork',
  'removeNetwork',
  'runContainer',
  'removeContainer',
  'restartContainer',
  'startContainer',
  'stopContainer',
  'connectNetwork',
  'disconnectNetwork',
  'restartDaemon',
  'hostCommand',
  'routeViaHost',
  'killDockerProxy',
  'loadStandaloneHost',
] as const satisfies readonly (keyof Backend)[];

export type ReplayedMethod = (typeof REPLAYED_METHODS)[number];

export interface RecordedAction {
  method: ReplayedMethod;
  /** The arguments as they were at the call (copied: a caller may change its objects later). */
  args: unknown[];
}

const REPLAYED = new Set<string>(REPLAYED_METHODS);

/** `backend` with its host-changing calls appended to `actions` once they succeed. */
export function recordActions<B extends Backend>(backend: B, actions: RecordedAction[]): B {
  return new Proxy(backend, {
    get(target, prop, _receiver) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (typeof prop !== 'string' || !REPLAYED.has(prop)) return method.bind(target);
      return async (...args: unknown[]) => {
        const copied = structuredClone(args);
        const result = await method.apply(target, args);
        actions.push({ method: prop as ReplayedMethod, args: copied });
        return result;
      };
    },
  });
}

export class ReplayError extends Error {
  override name = 'ReplayError';
}

/**
 * Every recorded action again on `target`, the host started as `dockerVersion` (its
 * daemon options kept). A standalone host has no Docker version to change: an error.
 */
export async function replayActions(
  actions: readonly RecordedAction[],
  target: Backend,
  options: { dockerVersion: string },
): Promise<void> {
  for (const [i, a] of actions.entries()) {
    if (a.method === 'loadStandaloneHost')
      throw new ReplayError('a restored host or a Linux router has no Docker version to change');
    const args =
      a.method === 'startHost'
        ? [{ ...(a.args[0] as HostOptions), dockerVersion: options.dockerVersion }]
        : a.args;
    try {
      await (target[a.method] as (...x: unknown[]) => Promise<unknown>).apply(target, args);
    } catch (error) {
      throw new ReplayError(
        `action ${i + 1} (${a.method}) fails on Docker ${options.dockerVersion}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}
