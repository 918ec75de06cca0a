/**
 * What src/matrix/plan.ts needs to know of a model host (MatrixHostView): each running
 * container's endpoints, the ports its programs serve and the ports it publishes. The
 * same reading as `nettwin matrix` makes of its scene (src/cli/matrix-scene.ts), for the
 * upgrade step, which replays a scenario on fresh models. Pure (reads the model).
 */
import type { ContainerOptions } from '../backends/backend.ts';
import { EXTERNAL_CLIENT_ADDRESS, type ModelBackend } from '../backends/model.ts';
import { DIND_HOST_ADDRESS, NEIGHBOUR_ADDRESS } from '../backends/model-traffic.ts';
import type { MatrixContainer, MatrixHostView } from './plan.ts';

/**
 * `labels`: Docker name → what the matrix shows (a compose service); `options`: Docker
 * name → how it was run (its published ports). A container without a label is left out.
 */
export function modelHostView(
  backend: ModelBackend,
  labels: ReadonlyMap<string, string>,
  options: ReadonlyMap<string, ContainerOptions>,
  directRouting: boolean,
  /** The neighbour's cells too (plan.ts), at the model's neighbour address. */
  neighbour = false,
): MatrixHostView {
  const state = backend.hostState();
  const containers: MatrixContainer[] = [];
  for (const [name, label] of labels) {
    const info = backend.container(name);
    const own = state.neighbours.filter((n) => n.name === name);
    if (!info || own.length === 0) continue; // removed, stopped, or --network none/host: nothing to address
    own.sort((a, b) => Number(b.address === info.address) - Number(a.address === info.address));
    const serves = new Map<string, { port: number; proto: 'tcp' | 'udp' }>();
    for (const l of own.flatMap((n) => n.listeners ?? []))
      serves.set(`${l.port}/${l.protocol}`, { port: l.port, proto: l.protocol });
    const addresses = new Set(own.map((n) => n.address));
    containers.push({
      label,
      name,
      endpoints: own.map((n) => ({ network: n.dev, address: n.address })),
      serves: [...serves.values()],
      published: (options.get(name)?.publish ?? []).flatMap((p) => {
        // An ephemeral port (`-p 80`): the one Docker picked, as its docker-proxy listens on it.
        const hostPort =
          p.hostPort ??
          state.listeners.find(
            (l) =>
              l.protocol === p.protocol &&
              l.forwardTo?.port === p.containerPort &&
              addresses.has(l.forwardTo.address),
          )?.port;
        if (hostPort === undefined) return [];
        return [
          {
            ...(p.hostIp ? { hostIp: p.hostIp } : {}),
            hostPort,
            containerPort: p.containerPort,
            proto: p.protocol,
          },
        ];
      }),
    });
  }
  return {
    hostAddress: DIND_HOST_ADDRESS,
    externalAddress: EXTERNAL_CLIENT_ADDRESS,
    containers,
    directRouting,
    ...(neighbour ? { neighbourAddress: NEIGHBOUR_ADDRESS } : {}),
  };
}
