/**
 * Backends that run a compose file themselves (dind and twin, on hosts with compose v2):
 * what they return beyond the plan's results. Types and a guard only, so the steps and
 * the twin need not load the dind backend to ask.
 */
import type { LearntCompose } from '../compose/learn.ts';
import type { ComposePlan } from '../compose/plan.ts';
import type { ComposeUpResult } from '../compose/up.ts';

/** What a compose up on a real host returns: the plan's results, and what the twin learns. */
export interface HostComposeUp extends ComposeUpResult {
  /** Absent when the host built the stack through Backend calls (no compose v2 on it). */
  learnt?: LearntCompose;
}

export interface ComposeHostBackend {
  /** Whether `docker compose` (v2) runs this host's compose files. */
  runsCompose(): Promise<boolean>;
  composeUp(plan: ComposePlan): Promise<HostComposeUp>;
}

export function isComposeHostBackend(b: unknown): b is ComposeHostBackend {
  return (
    typeof (b as ComposeHostBackend | undefined)?.composeUp === 'function' &&
    typeof (b as ComposeHostBackend | undefined)?.runsCompose === 'function'
  );
}
