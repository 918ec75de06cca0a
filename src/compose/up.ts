/**
 * `docker compose up -d` of a plan, through any Backend (model, dind, twin): networks,
 * then each container in start order, joining its other networks right after it starts.
 * Returns what Docker made of each, in plan order.
 */
import type { Backend, ContainerInfo, NetworkInfo } from '../backends/backend.ts';
import type { ComposeContainer, ComposePlan } from './plan.ts';

export type ComposeBackend = Pick<Backend, 'createNetwork' | 'runContainer' | 'connectNetwork'>;

export interface ComposeUpResult {
  networks: NetworkInfo[];
  containers: Array<{ container: ComposeContainer; info: ContainerInfo }>;
}

export async function composeUp(
  backend: ComposeBackend,
  plan: ComposePlan,
  hooks: { beforeNetwork?: (name: string) => void; beforeContainer?: (name: string) => void } = {},
): Promise<ComposeUpResult> {
  const result: ComposeUpResult = { networks: [], containers: [] };
  for (const step of plan.steps) {
    if (step.kind === 'network') {
      const options = step.network.options;
      if (!options) continue;
      hooks.beforeNetwork?.(options.name);
      result.networks.push(await backend.createNetwork(options));
      continue;
    }
    const { options, connect } = step.container;
    hooks.beforeContainer?.(options.name);
    let info = await backend.runContainer(options);
    for (const c of connect) info = await backend.connectNetwork(c.network, options.name, c.endpoint);
    result.containers.push({ container: step.container, info });
  }
  return result;
}
