/**
 * Containers through their life: created, started (an endpoint on each network, then
 * its published ports), stopped, removed, connected to and disconnected from networks;
 * and what a running one sees: names its DNS answers, the source address it sends from.
 */
import type { ContainerInfo, ContainerOptions } from '../contract.ts';
import { cidrContains, parseCidr, parseIPv4 } from '../netfilter/address/index.ts';
import { allocateAddress6 } from './daemon-ipv6.ts';
import {
  type ContainerState,
  type DaemonState,
  DockerModelError,
  findContainer,
  findNetwork,
  type NetworkState,
  ruleConfig,
} from './daemon-state.ts';
import { publish, unpublish } from './port-bindings.ts';
import * as refuse from './refusals.ts';

export type CreateOptions = ContainerOptions & { restart?: string };

export function containerInfo(c: ContainerState): ContainerInfo {
  const primary = c.networks[0];
  const address = primary ? c.endpoints.get(primary) : undefined;
  const address6 = primary ? c.endpoints6.get(primary) : undefined;
  return {
    name: c.name,
    id: c.id,
    network: c.mode,
    ...(address ? { address } : {}),
    ...(address6 ? { address6 } : {}),
  };
}

/** Docker's endpoint-settings checks of --ip (at create on 26.1+, at start on 20.10). */
function checkStaticIps(s: DaemonState, staticIps: ReadonlyMap<string, string>): void {
  for (const [network, ip] of staticIps) {
    const n = s.networks.find((x) => x.name === network);
    if (!n) continue;
    const inSubnet = cidrContains(parseCidr(n.subnet), parseIPv4(ip));
    const refusal = refuse.staticIpRefusal(
      s.profile,
      { name: n.name, isDefault: n.isDefault, userSubnet: n.userSubnet, contains: inSubnet },
      ip,
    );
    if (refusal) throw refusal;
  }
}

export function createContainer(s: DaemonState, o: CreateOptions): ContainerState {
  if (!refuse.isValidContainerName(o.name)) throw refuse.invalidContainerName(o.name);
  const name = o.name.replace(/^\//, '');
  const taken = s.containersByName.get(name);
  if (taken) throw refuse.containerNameConflict(name, taken.id);
  const mode = o.network ?? 'bridge';
  let networks: string[] = [];
  if (mode.startsWith('container:')) findContainer(s, mode.slice('container:'.length));
  // A network that does not exist fails the start, not the create (all versions measured).
  else if (mode !== 'host' && mode !== 'none')
    networks = [s.networks.find((n) => n.name === mode)?.name ?? mode];
  const staticIps = new Map<string, string>();
  // 20.10 ignores --ip when `docker run` names no network (measured: the container gets .2).
  const ignoredIp = o.network === undefined && !refuse.endpointChecksAtCreate(s.profile);
  if (o.ip && !ignoredIp) {
    const primary = networks[0];
    if (!primary) throw new DockerModelError(`--ip needs a bridge network, not --network ${mode}`);
    staticIps.set(primary, o.ip);
  }
  if (refuse.endpointChecksAtCreate(s.profile)) checkStaticIps(s, staticIps);
  const aliases = new Map<string, string[]>();
  if (o.aliases?.length && networks[0]) aliases.set(networks[0], [...o.aliases]);
  const c: ContainerState = {
    name,
    id: s.ids.hex64(),
    options: structuredClone(o),
    mode,
    networks,
    staticIps,
    aliases,
    running: false,
    restartPolicy: o.restart ?? 'no',
    endpoints: new Map(),
    endpoints6: new Map(),
    bindings: [],
  };
  s.containers.push(c);
  s.containersByName.set(name, c);
  return c;
}

function joinNetwork(s: DaemonState, c: ContainerState, n: NetworkState): string {
  const fixed = c.staticIps.get(n.name);
  if (fixed && n.addresses.has(fixed)) throw refuse.startFailure(s.profile, 'Address already in use');
  const address = fixed ? n.addresses.reserve(fixed) : n.addresses.allocate();
  c.endpoints.set(n.name, address);
  const address6 = allocateAddress6(s, n, address);
  if (address6) c.endpoints6.set(n.name, address6);
  // moby AddEndpoint(addr4, addr6): the IPv4 rules, then the IPv6 ones.
  s.firewall?.addEndpoint(ruleConfig(s, n), address);
  if (address6) s.firewall?.addEndpoint(ruleConfig(s, n), address6);
  return address;
}

function leaveNetwork(s: DaemonState, c: ContainerState, n: NetworkState): void {
  const address = c.endpoints.get(n.name);
  if (address) {
    s.firewall?.delEndpoint(ruleConfig(s, n), address);
    n.addresses.release(address);
  }
  const address6 = c.endpoints6.get(n.name);
  if (address6) {
    s.firewall?.delEndpoint(ruleConfig(s, n), address6);
    n.ipv6?.addresses.release(address6);
  }
  c.endpoints.delete(n.name);
  c.endpoints6.delete(n.name);
}

/** A start that fails (address or port taken) is rolled back: the container stays created. */
export function startContainer(s: DaemonState, c: ContainerState): void {
  c.running = true;
  try {
    if (!refuse.endpointChecksAtCreate(s.profile)) checkStaticIps(s, c.staticIps);
    for (const name of c.networks) {
      const n = s.networks.find((x) => x.name === name);
      if (!n) throw refuse.startFailure(s.profile, `network ${name} not found`);
      joinNetwork(s, c, n);
    }
    publish(s, c);
  } catch (e) {
    stopContainer(s, c);
    throw e;
  }
}

export function stopContainer(s: DaemonState, c: ContainerState): void {
  unpublish(s, c);
  for (const name of [...c.endpoints.keys()]) leaveNetwork(s, c, findNetwork(s, name));
  c.running = false;
}

export function removeContainer(s: DaemonState, name: string, options: { force?: boolean } = {}): void {
  const c = findContainer(s, name);
  if (c.running && !options.force) {
    throw new refuse.DockerRefusal(
      `Error response from daemon: You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`,
    );
  }
  if (c.running) stopContainer(s, c);
  s.containers.splice(s.containers.indexOf(c), 1);
  s.containersByName.delete(c.name);
}

export function connect(
  s: DaemonState,
  network: string,
  container: string,
  ip?: string,
  aliases?: string[],
): void {
  const c = findContainer(s, container);
  const n = findNetwork(s, network);
  if (c.networks.includes(n.name)) {
    throw new refuse.DockerRefusal(
      `Error response from daemon: endpoint with name ${c.name} already exists in network ${n.name}`,
    );
  }
  if (c.mode === 'host' || c.mode === 'none' || c.mode.startsWith('container:')) {
    throw new refuse.DockerRefusal(
      `Error response from daemon: container cannot be connected to networks: it uses --network ${c.mode}`,
    );
  }
  c.networks.push(n.name);
  if (ip) c.staticIps.set(n.name, ip);
  if (aliases?.length) c.aliases.set(n.name, [...aliases]);
  if (c.running) joinNetwork(s, c, n);
}

export function disconnect(s: DaemonState, network: string, container: string): void {
  const c = findContainer(s, container);
  const n = findNetwork(s, network);
  if (!c.networks.includes(n.name)) {
    throw new refuse.DockerRefusal(
      `Error response from daemon: container ${c.name} is not connected to network ${n.name}`,
    );
  }
  if (c.networks[0] === n.name) unpublish(s, c);
  leaveNetwork(s, c, n);
  c.networks = c.networks.filter((x) => x !== n.name);
  c.staticIps.delete(n.name);
  c.aliases.delete(n.name);
}

/**
 * What Docker's embedded DNS (127.0.0.11) answers `from` for `name`: the address of a
 * running container with that name (or network-scoped alias) on a user-defined network
 * both share. Containers on the default bridge get the host's resolvers instead, which
 * know no container names — the reason seed 000 cannot ping test2 by name on docker0.
 * `ipv6` asks for the AAAA record: the endpoint's IPv6 address, on networks that have IPv6.
 */
export function resolveName(s: DaemonState, from: string, name: string, family?: 'ipv6'): string | undefined {
  const sender = findContainer(s, from);
  const target = s.containersByName.get(name);
  const endpoints = (c: typeof target) => (family ? c?.endpoints6 : c?.endpoints);
  for (const network of sender.networks) {
    const state = s.networks.find((n) => n.name === network);
    if (!state || state.isDefault) continue;
    const address = target?.running ? endpoints(target)?.get(network) : undefined;
    if (address) return address;
    // A network-scoped alias (several containers may share one: the first started answers here).
    const aliased = s.containers.find((c) => c.running && c.aliases.get(network)?.includes(name));
    const aliasAddress = endpoints(aliased)?.get(network);
    if (aliasAddress) return aliasAddress;
  }
  return undefined;
}

/**
 * The address a running container sends from to `dst`, as its routing table picks it:
 * the endpoint whose subnet holds `dst`, else the endpoint of its default route, which
 * libnetwork gives to the first non-internal network in lexical order of names (not the
 * first attached). undefined: no endpoint.
 */
export function sourceAddress(s: DaemonState, name: string, dst: string): string | undefined {
  const c = findContainer(s, name);
  const attached = [...c.endpoints].map(([network, address]) => ({ n: findNetwork(s, network), address }));
  const daddr = parseIPv4(dst);
  const connected = attached.find((e) => cidrContains(parseCidr(e.n.subnet), daddr));
  if (connected) return connected.address;
  const routed = attached
    .filter((e) => !e.n.internal)
    .sort((a, b) => (a.n.name < b.n.name ? -1 : a.n.name > b.n.name ? 1 : 0));
  return (routed[0] ?? attached[0])?.address;
}
