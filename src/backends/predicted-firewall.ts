/**
 * A real side that runs the model's predicted rules (Docker 29's rules on a real kernel):
 * the twin loads the model's firewall into it after every Docker action. Kept apart from
 * dind-predicted-rules.ts so that the twin can ask without loading the dind backend.
 */
import type { HostFirewallState } from '../netfilter/firewall-state.ts';

export interface LoadsPredictedFirewall {
  /** True while the started host takes its rules from the model. */
  readonly loadsPredictedFirewall: boolean;
  /** `registeredBuiltins`: the model's empty built-in chains that exist ("raw/PREROUTING"). */
  loadPredictedFirewall(state: HostFirewallState, registeredBuiltins: readonly string[]): Promise<void>;
}

export function loadsPredictedFirewall(backend: object): backend is LoadsPredictedFirewall {
  const b = backend as Partial<LoadsPredictedFirewall>;
  return b.loadsPredictedFirewall === true && typeof b.loadPredictedFirewall === 'function';
}
