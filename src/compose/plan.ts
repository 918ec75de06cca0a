/**
 * A compose file as the ordered actions `docker compose up -d` takes on a host: the
 * networks it creates, then each container in start order (depends_on first, then the
 * file's order; replicas in index order), in the terms of src/contract.ts. Compose
 * itself creates networks and starts independent services concurrently; nettwin does it
 * in this fixed order, so a network or address left to Docker's IPAM is the one this
 * order gives (fix `ipam.config` subnets or `ipv4_address` where it matters).
 */
import type { ContainerOptions, EndpointOptions } from '../contract.ts';
import { ComposeError } from './errors.ts';
import { type ComposeNetwork, readNetwork } from './networks.ts';
import { isValidProjectName, normalizeProjectName, projectNameProblem } from './project-name.ts';
import { type ComposeService, readService } from './services.ts';
import { isMapping } from './values.ts';
import { ComposeSource } from './yaml-source.ts';

export interface ComposeContainer {
  service: string;
  /** 1-based, as in `<project>-<service>-<n>`. */
  replica: number;
  /** How `docker run` is asked: its first network is the one Docker gives the default route. */
  options: ContainerOptions;
  /** Its other networks, joined right after it starts (`docker network connect`). */
  connect: Array<{ network: string; endpoint: EndpointOptions }>;
}

export type ComposeStep =
  | { kind: 'network'; network: ComposeNetwork }
  | { kind: 'container'; container: ComposeContainer };

export interface ComposePlan {
  file: string;
  project: string;
  /** Every network a started service uses, external ones included, in creation order. */
  networks: ComposeNetwork[];
  containers: ComposeContainer[];
  /** The services that start, in start order (what a rewritten compose file is made of). */
  services: ComposeService[];
  /** Network creations (not external ones) then container runs, in order. */
  steps: ComposeStep[];
}

export interface ComposeReadOptions {
  /** The file's name for messages. */
  file: string;
  /** `-p`: must already be a valid project name. */
  projectName?: string;
  /** Name of the directory holding the file: the project name when none is given. */
  directoryName?: string;
}

const TOP_LEVEL = new Set([
  'version',
  'name',
  'services',
  'networks',
  'volumes',
  'secrets',
  'configs',
  'models',
]);

/** Read a compose file's text into the plan; every problem is a ComposeError naming file:line and key. */
export function readCompose(text: string, o: ComposeReadOptions): ComposePlan {
  const src = ComposeSource.parse(text, o.file);
  const top = src.value;
  if (!isMapping(top)) throw src.error([], 'a compose file is a mapping with a services: key');
  for (const key of Object.keys(top)) {
    if (key === 'include')
      throw src.error([key], 'include is not modelled yet; put the services in one file');
    if (!TOP_LEVEL.has(key) && !key.startsWith('x-'))
      throw src.error([key], `"${key}" is not a top-level compose key`);
  }
  const project = projectOf(src, o, top.name);
  if (!isMapping(top.services))
    throw src.error(
      top.services === undefined ? [] : ['services'],
      'services: is a mapping of service names',
    );
  const declared = top.networks ?? {};
  if (!isMapping(declared)) throw src.error(['networks'], 'networks: is a mapping of network keys');
  const services = Object.entries(top.services).map(([name, raw]) => readService(src, name, raw));
  const started = services.filter((s) => s.profiles.length === 0 && s.replicas > 0);
  const byName = new Map(services.map((s) => [s.name, s]));
  const order = startOrder(src, started, byName);

  // Networks in the file's order (the implicit default first), those a started service uses.
  const used = new Set(
    started.flatMap((s) => (s.mode.kind === 'networks' ? s.networks.map((n) => n.key) : [])),
  );
  for (const s of started) {
    for (const n of s.mode.kind === 'networks' ? s.networks : []) {
      if (n.key !== 'default' && !Object.hasOwn(declared, n.key))
        throw src.error(
          ['services', s.name, 'networks', n.key],
          `service "${s.name}" uses network "${n.key}", which networks: does not declare`,
        );
    }
  }
  const keys = [...(Object.hasOwn(declared, 'default') ? [] : ['default']), ...Object.keys(declared)].filter(
    (k) => used.has(k),
  );
  const networks = keys.map((k) => readNetwork(src, project, k, declared[k]));
  const networkByKey = new Map(networks.map((n) => [n.key, n]));

  const nameOf = (s: ComposeService, replica: number): string =>
    s.containerName ?? `${project}-${s.name}-${replica}`;
  const containers: ComposeContainer[] = [];
  for (const s of order) {
    for (let replica = 1; replica <= s.replicas; replica++) {
      const name = nameOf(s, replica);
      containers.push(
        containerOf(s, replica, name, networkByKey, (service) => {
          const owner = byName.get(service) as ComposeService;
          return nameOf(owner, 1);
        }),
      );
    }
  }
  const steps: ComposeStep[] = [
    ...networks.filter((n) => !n.external).map((network): ComposeStep => ({ kind: 'network', network })),
    ...containers.map((container): ComposeStep => ({ kind: 'container', container })),
  ];
  return { file: o.file, project, networks, containers, services: order, steps };
}

function projectOf(src: ComposeSource, o: ComposeReadOptions, nameKey: unknown): string {
  if (o.projectName !== undefined) {
    const problem = projectNameProblem(o.projectName);
    if (problem) throw new ComposeError(src.file, 1, '', `${problem} (the project name given)`);
    return o.projectName;
  }
  if (nameKey !== undefined) {
    if (typeof nameKey !== 'string' || !isValidProjectName(nameKey))
      throw src.error(['name'], projectNameProblem(String(nameKey)) ?? 'name is a project name');
    return nameKey;
  }
  const fromDirectory = normalizeProjectName(o.directoryName ?? '');
  if (!fromDirectory)
    throw new ComposeError(
      src.file,
      1,
      '',
      `the directory name "${o.directoryName ?? ''}" gives no project name; give one (with project name "…") or a top-level name:`,
    );
  return fromDirectory;
}

/** depends_on first (a service after everything it depends on), else the file's order. */
function startOrder(
  src: ComposeSource,
  started: ComposeService[],
  byName: Map<string, ComposeService>,
): ComposeService[] {
  const startedNames = new Set(started.map((s) => s.name));
  const order: ComposeService[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: ComposeService, chain: string[]): void => {
    if (state.get(s.name) === 'done') return;
    if (state.get(s.name) === 'visiting')
      throw src.error(
        ['services', s.name, 'depends_on'],
        `dependency cycle: ${[...chain, s.name].join(' -> ')}`,
      );
    state.set(s.name, 'visiting');
    for (const dep of s.dependsOn) {
      const target = byName.get(dep);
      const at = s.mode.kind === 'service' && s.mode.service === dep ? 'network_mode' : 'depends_on';
      if (!target)
        throw src.error(
          ['services', s.name, at],
          `service "${s.name}" depends on "${dep}", which services: does not declare`,
        );
      if (!startedNames.has(dep))
        throw src.error(
          ['services', s.name, at],
          `service "${s.name}" depends on "${dep}", which does not start (profiles, or 0 replicas)`,
        );
      visit(target, [...chain, s.name]);
    }
    state.set(s.name, 'done');
    order.push(s);
  };
  for (const s of started) visit(s, []);
  return order;
}

function containerOf(
  s: ComposeService,
  replica: number,
  name: string,
  networks: Map<string, ComposeNetwork>,
  ownerName: (service: string) => string,
): ComposeContainer {
  const http = s.served.filter((p) => p.protocol === 'tcp').map((p) => p.port);
  const udp = s.served.filter((p) => p.protocol === 'udp').map((p) => p.port);
  const options: ContainerOptions = { name };
  if (http.length > 0) Object.assign(options, { httpBody: s.name, httpPort: http[0], httpPorts: http });
  if (udp.length > 0) options.udpListenPorts = udp;
  const base = { service: s.name, replica };
  switch (s.mode.kind) {
    case 'host':
    case 'none':
    case 'bridge':
      // Docker discards port bindings in the host's and in no namespace.
      if (s.mode.kind === 'bridge' && s.publish.length > 0) options.publish = s.publish;
      return { ...base, options: { ...options, network: s.mode.kind }, connect: [] };
    case 'service':
      return {
        ...base,
        options: { ...options, network: `container:${ownerName(s.mode.service)}` },
        connect: [],
      };
    case 'container':
      return { ...base, options: { ...options, network: `container:${s.mode.container}` }, connect: [] };
    case 'networks':
      break;
  }
  if (s.publish.length > 0) options.publish = s.publish;
  const endpoints = s.networks.map((n) => {
    const network = networks.get(n.key) as ComposeNetwork;
    // Compose makes the service name an alias on every network it joins.
    const endpoint: EndpointOptions = { aliases: [s.name, ...n.aliases.filter((a) => a !== s.name)] };
    if (n.ipv4Address) endpoint.ip = n.ipv4Address;
    return { network, endpoint, priority: n.priority };
  });
  // libnetwork gives the default route (and the published ports) to the first
  // non-internal network by name; it runs on that one, and joins the others after.
  const gateway = [...endpoints].sort((a, b) => {
    const internal =
      Number(a.network.options?.internal ?? false) - Number(b.network.options?.internal ?? false);
    return internal !== 0
      ? internal
      : a.network.name < b.network.name
        ? -1
        : a.network.name > b.network.name
          ? 1
          : 0;
  })[0];
  if (!gateway) return { ...base, options, connect: [] };
  options.network = gateway.network.name;
  if (gateway.endpoint.ip) options.ip = gateway.endpoint.ip;
  if (gateway.endpoint.aliases?.length) options.aliases = gateway.endpoint.aliases;
  const others = endpoints
    .filter((e) => e !== gateway)
    .sort((a, b) => b.priority - a.priority || (a.network.name < b.network.name ? -1 : 1));
  return {
    ...base,
    options,
    connect: others.map((e) => ({ network: e.network.name, endpoint: e.endpoint })),
  };
}
