/**
 * `docker compose up -d` on a DinD host: the plan's file, images and commands replaced by
 * the workload's (src/compose/rewrite.ts), is put into the host through the archive API
 * and run with the host's `docker compose` (Debian's docker-compose, compose v2) as an
 * argv. Then what compose made is read back — each network's id, bridge, subnet, gateway
 * and creation time, each container's id, start time and address per network — and the
 * containers are adopted by the dind backend like the ones it runs itself.
 *
 * A host without compose v2 (the 20.10 image carries only Python docker-compose 1.29.2,
 * which names containers `<project>_<service>_<n>`, not compose v2's
 * `<project>-<service>-<n>` that steps and the model use) builds the stack through the
 * Backend's own calls instead (src/compose/up.ts).
 */
import createDebug from 'debug';
import { z } from 'zod';
import { timestampKey } from '../compose/learn.ts';
import type { ComposePlan } from '../compose/plan.ts';
import { rewrittenComposeText } from '../compose/rewrite.ts';
import { composeUp } from '../compose/up.ts';
import { putFile } from '../dind/compose-file.ts';
import { hostQuickAckArgv } from '../dind/quickack.ts';
import type { StartedDindHost } from '../dind/started-dind-host.ts';
import type { Backend, ContainerInfo, ContainerOptions, NetworkInfo } from './backend.ts';
import type { HostComposeUp } from './compose-host.ts';
import { bridgeAddress } from './dind-networks.ts';
import { workloadCommand } from './dind-workload.ts';

const log = createDebug('nettwin:dind');

/** Where the rewritten files go in the host (the directory every image has). */
const COMPOSE_DIRECTORY = '/tmp';

/** What dind-compose needs of the dind backend. */
export interface DindComposeSide extends Pick<Backend, 'createNetwork' | 'runContainer' | 'connectNetwork'> {
  dindHost(): StartedDindHost;
  readonly workloadImage: string;
  adoptContainer(o: ContainerOptions, id: string, networks: string[]): Promise<ContainerInfo>;
}

const composeV2 = new WeakMap<StartedDindHost, Promise<boolean>>();

/** `docker compose version` answers: compose v2 is installed (asked once per host). */
export function hostRunsCompose(host: StartedDindHost): Promise<boolean> {
  let answer = composeV2.get(host);
  if (!answer) {
    answer = host.exec(['docker', 'compose', 'version']).then((r) => r.exitCode === 0);
    composeV2.set(host, answer);
  }
  return answer;
}

/** The rewritten file's name in the host: the project is already [a-z0-9][a-z0-9_-]*. */
export function composeFileName(project: string): string {
  return `nettwin-compose-${project}.yaml`;
}

/** argv of `docker compose up -d` for a project's rewritten file (no shell reads it). */
export function composeUpArgv(project: string): string[] {
  return [
    'docker',
    'compose',
    '-p',
    project,
    '-f',
    `${COMPOSE_DIRECTORY}/${composeFileName(project)}`,
    'up',
    '-d',
  ];
}

export async function composeUpOnDind(side: DindComposeSide, plan: ComposePlan): Promise<HostComposeUp> {
  const host = side.dindHost();
  if (!(await hostRunsCompose(host))) {
    log('no compose v2 on DinD host "%s": the stack is built through Backend calls', host.name);
    return composeUp(side, plan);
  }
  const text = rewrittenComposeText(plan, {
    image: side.workloadImage,
    command: (c) => workloadCommand(c.options),
  });
  await putFile(host.id, COMPOSE_DIRECTORY, composeFileName(plan.project), text);
  await host.run(composeUpArgv(plan.project));
  // The new bridges' routes get quickack 1 like the host's others (src/dind/quickack.ts).
  await host.run(hostQuickAckArgv());
  const networks = await readNetworks(
    host,
    plan.networks.filter((n) => !n.external).map((n) => n.name),
  );
  const containers = await readContainers(
    host,
    plan.containers.map((c) => c.options.name),
  );
  const started = [...containers].sort((a, b) =>
    a.started < b.started ? -1 : a.started > b.started ? 1 : 0,
  );
  const result: HostComposeUp = {
    networks: networks.map((n) => n.info),
    containers: [],
    learnt: {
      networks: [...networks]
        .sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0))
        .map((n) => ({ name: n.info.name, subnet: n.info.subnet })),
      containers: started.map((c) => ({ name: c.name, addresses: c.addresses })),
    },
  };
  log(
    'compose up %s on "%s": created %o, started %o',
    plan.project,
    host.name,
    result.learnt?.networks,
    result.learnt?.containers,
  );
  const byName = new Map(containers.map((c) => [c.name, c]));
  const infos = new Map<string, ContainerInfo>();
  // Adopted in start order: a namespace's owner before the containers that share it.
  for (const c of started) {
    const planned = plan.containers.find((p) => p.options.name === c.name);
    if (!planned) continue;
    const first = planned.options.network;
    const onNetworks =
      first === undefined || ['host', 'none'].includes(first) || first.startsWith('container:')
        ? []
        : [first, ...planned.connect.map((x) => x.network)];
    infos.set(c.name, await side.adoptContainer(planned.options, c.id, onNetworks));
  }
  for (const c of plan.containers) {
    const info = infos.get(c.options.name);
    if (!info || !byName.has(c.options.name))
      throw new Error(`docker compose up did not start container "${c.options.name}"`);
    result.containers.push({ container: c, info });
  }
  return result;
}

interface RealNetwork {
  info: NetworkInfo;
  created: string;
}

/** `docker network inspect NAME` (JSON): a gateway left to Docker is no key at all there. */
const NetworkInspect = z.array(
  z.object({
    Id: z.string(),
    Created: z.string(),
    IPAM: z.object({
      Config: z.array(z.object({ Subnet: z.string().optional(), Gateway: z.string().optional() })).nullable(),
    }),
  }),
);

async function readNetworks(host: StartedDindHost, names: string[]): Promise<RealNetwork[]> {
  const networks: RealNetwork[] = [];
  for (const name of names) {
    const [n] = NetworkInspect.parse(JSON.parse(await host.dockerOrThrow(['network', 'inspect', name])));
    if (!n) throw new Error(`docker compose up did not create network "${name}"`);
    const v4 = (n.IPAM.Config ?? []).find((c) => c.Subnet !== undefined && !c.Subnet.includes(':'));
    const bridge = await host.bridgeName(name);
    // With no gateway in the IPAM config, the bridge's own address is the gateway (dind.ts).
    const gateway = v4?.Gateway || ((await bridgeAddress(host, bridge, 'ipv4')) ?? '');
    networks.push({
      info: { name, id: n.Id, bridge, subnet: v4?.Subnet ?? '', gateway },
      created: timestampKey(n.Created),
    });
  }
  return networks;
}

interface RealContainer {
  name: string;
  id: string;
  started: string;
  addresses: Record<string, string>;
}

const ContainerInspect = z.array(
  z.object({
    Id: z.string(),
    State: z.object({ StartedAt: z.string() }),
    NetworkSettings: z.object({
      Networks: z.record(z.string(), z.object({ IPAddress: z.string().optional() })).nullable(),
    }),
  }),
);

async function readContainers(host: StartedDindHost, names: string[]): Promise<RealContainer[]> {
  const containers: RealContainer[] = [];
  for (const name of names) {
    const [c] = ContainerInspect.parse(
      JSON.parse(await host.dockerOrThrow(['inspect', '--type', 'container', name])),
    );
    if (!c) throw new Error(`docker compose up did not start container "${name}"`);
    const addresses: Record<string, string> = {};
    for (const [network, e] of Object.entries(c.NetworkSettings.Networks ?? {}))
      if (e.IPAddress) addresses[network] = e.IPAddress;
    containers.push({ name, id: c.Id, started: timestampKey(c.State.StartedAt), addresses });
  }
  return containers;
}
