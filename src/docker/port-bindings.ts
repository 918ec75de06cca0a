/**
 * Published ports (`-p`): host ports allocated, docker-proxy listeners started (with the
 * [::] twin where Docker starts one), and the firewall backend's per-port rules; all of it
 * undone when the container stops or leaves its gateway network.
 */
import type { PortMapping } from '../contract.ts';
import {
  type Binding,
  type ContainerState,
  type DaemonState,
  DockerModelError,
  findNetwork,
  hairpinOf,
  type NetworkState,
  ruleConfig,
} from './daemon-state.ts';
import { stableHex64 } from './ids.ts';
import { orderPortMappings } from './port-sort.ts';
import { startFailure } from './refusals.ts';

/**
 * A binding that joins the container's at once (so a later failure releases its port),
 * with its docker-proxy listener where the userland proxy runs and the port is NATed.
 */
function addBinding(
  s: DaemonState,
  c: ContainerState,
  n: NetworkState,
  m: PortMapping,
  at: { hostIp: string; hostPort: number; containerIp: string; routed: boolean },
): Binding {
  const b: Binding = {
    protocol: m.protocol,
    hostIp: at.hostIp,
    hostPort: at.hostPort,
    containerIp: at.containerIp,
    containerPort: m.containerPort,
    bridge: n.bridge,
    hairpin: hairpinOf(s),
    listeners: [],
  };
  if (s.daemon.userlandProxy && !at.routed) {
    b.listeners.push({
      protocol: m.protocol,
      address: at.hostIp,
      port: at.hostPort,
      forwardTo: { address: at.containerIp, port: m.containerPort },
      owner: 'docker-proxy',
    });
  }
  c.bindings.push(b);
  return b;
}

/**
 * The IPv6 binding of a mapping on an IPv6 network (27.0+, and 26.1's portmapper for IPv6
 * containers): `[::]:H` (or the given IPv6 host address) to the container's IPv6 address,
 * NATed by ip6tables and proxied by docker-proxy on `[::]`. It takes the place of the
 * IPv4-only network's [::] twin.
 */
function bindPort6(
  s: DaemonState,
  c: ContainerState,
  n: NetworkState,
  containerIp6: string,
  m: PortMapping,
  v4: Binding | undefined,
): Binding {
  const routed = n.ipv6?.gatewayMode === 'routed';
  const hostIp = m.hostIp ?? '::';
  // One mapping gets the same host port in both families (an ephemeral one too).
  const hostPort = routed ? 0 : s.ports.request(hostIp, m.protocol, m.hostPort ?? v4?.hostPort);
  return addBinding(s, c, n, m, { hostIp, hostPort, containerIp: containerIp6, routed });
}

const isV6 = (address: string | undefined): boolean => address?.includes(':') ?? false;

/**
 * `-p 8080:80 -p [::]:8080:80`: the first mapping's [::] binding already holds the port.
 * 28.x binds a container's mappings that differ only in host address together, and the
 * second socket on [::]:8080 fails to listen (measured on 28.5.2); before 28 the port
 * allocator refuses it as allocated, as it does another container's port.
 */
function refuseOwnDuplicate(s: DaemonState, c: ContainerState, hostIp: string, m: PortMapping): void {
  if (s.profile.refusals !== 'v28' || m.hostPort === undefined) return;
  // Only within one group (same container port, protocol and host port): another container
  // port on the same host port is a later group, which the allocator refuses as allocated
  // (both measured on 28.5.2).
  const held = c.bindings.some(
    (b) =>
      b.protocol === m.protocol &&
      b.containerPort === m.containerPort &&
      ((b.hostIp === hostIp && b.hostPort === m.hostPort) || (hostIp === '::' && b.v6Port === m.hostPort)),
  );
  if (held) {
    throw startFailure(
      s.profile,
      // The endpoint's id is libnetwork's (random on a real host; compared as <id>).
      `driver failed programming external connectivity on endpoint ${c.name} (${stableHex64(`${c.id} endpoint`)}): failed to listen on TCP socket: address already in use`,
    );
  }
}

/**
 * An explicit IPv6 host address for a container with no IPv6 address (20.10+; moby
 * v26.1.5 allocatePortsInternal, v28.5.2 addPortMappings): with the userland proxy,
 * docker-proxy listens there and connects to the container's IPv4 address, and no rule is
 * written (NAT cannot translate between the families: the iptables backend writes none,
 * the nftables one only the forward accept its IPv4 binding would write). Without the
 * proxy Docker skips the mapping with a line in its log, and the container starts.
 */
function bindPort6To4(
  s: DaemonState,
  c: ContainerState,
  n: NetworkState,
  containerIp: string,
  m: PortMapping,
): Binding[] {
  const hostIp = m.hostIp as string;
  if (!s.profile.ipv6ProxyTwin) {
    throw new DockerModelError(
      `port ${hostIp} → ${m.containerPort}: the container has no IPv6 address on ${n.name} (create it with --ipv6)`,
    );
  }
  if (!s.daemon.userlandProxy) return [];
  const hostPort = s.ports.request(hostIp, m.protocol, m.hostPort);
  return [addBinding(s, c, n, m, { hostIp, hostPort, containerIp, routed: false })];
}

/** Binds one mapping; the binding joins the container's at once, so a failure later releases its port. */
function bindPort(
  s: DaemonState,
  c: ContainerState,
  n: NetworkState,
  containerIp: string,
  m: PortMapping,
  containerIp6?: string,
): Binding[] {
  if (isV6(m.hostIp)) {
    refuseOwnDuplicate(s, c, m.hostIp as string, m);
    return containerIp6
      ? [bindPort6(s, c, n, containerIp6, m, undefined)]
      : bindPort6To4(s, c, n, containerIp, m);
  }
  // 28.x gateway mode "routed": no NAT, so no host port; the IPv4 binding is 0.0.0.0:0
  // and only opens the container's port in the DOCKER chain.
  const routed = n.gatewayMode === 'routed';
  const hostIp = routed ? '0.0.0.0' : (m.hostIp ?? n.hostBindingIp);
  const hostPort = routed ? 0 : s.ports.request(hostIp, m.protocol, m.hostPort);
  const b = addBinding(s, c, n, m, { hostIp, hostPort, containerIp, routed });
  // An IPv6 network binds [::] to the container's IPv6 address instead of the twin below.
  if (containerIp6 && m.hostIp === undefined && (routed ? n.hostBindingIp : hostIp) === '0.0.0.0')
    return [b, bindPort6(s, c, n, containerIp6, m, b)];
  // 20.10+: with no host IP given (and the default binding IP 0.0.0.0) the port is bound
  // on [::] too, proxied to the IPv4 address; an explicit `-p 0.0.0.0:H:C` gets no twin.
  if (
    s.profile.ipv6ProxyTwin &&
    s.daemon.userlandProxy &&
    m.hostIp === undefined &&
    (routed ? n.hostBindingIp : hostIp) === '0.0.0.0'
  ) {
    const v6Port = s.ports.request('::', m.protocol, m.hostPort);
    b.v6Port = v6Port;
    b.listeners.push({
      protocol: m.protocol,
      address: '::',
      port: v6Port,
      forwardTo: { address: containerIp, port: m.containerPort },
      owner: 'docker-proxy (IPv6 twin)',
    });
  }
  return [b];
}

/**
 * Port mappings of the container's primary network endpoint, in Docker's sorted order:
 * every host port is bound first, then the backend writes the rules for all of them
 * (moby's addPortMappings). A port that cannot be bound throws; the caller's stop
 * releases the ones already bound.
 */
export function publish(s: DaemonState, c: ContainerState): void {
  const primary = c.networks[0];
  const mappings = c.options.publish ?? [];
  if (!primary || mappings.length === 0) return;
  const n = findNetwork(s, primary);
  const address = c.endpoints.get(primary) as string;
  const address6 = c.endpoints6.get(primary);
  const added: Binding[] = [];
  for (const m of orderPortMappings(mappings, s.profile.portOrder))
    added.push(...bindPort(s, c, n, address, m, address6));
  s.firewall?.addPorts(ruleConfig(s, n), added);
}

/** The network a binding was made on (found by its bridge). */
function bindingNetwork(s: DaemonState, b: Binding): NetworkState {
  const n = s.networks.find((x) => x.bridge === b.bridge);
  if (!n) throw new DockerModelError(`no network with bridge ${b.bridge} for a port binding`);
  return n;
}

export function unpublish(s: DaemonState, c: ContainerState): void {
  if (s.firewall && c.bindings.length > 0) {
    // All of a container's bindings are on its gateway network; group by bridge anyway.
    const byBridge = new Map<string, Binding[]>();
    for (const b of c.bindings) byBridge.set(b.bridge, [...(byBridge.get(b.bridge) ?? []), b]);
    for (const bindings of byBridge.values())
      s.firewall.delPorts(ruleConfig(s, bindingNetwork(s, bindings[0] as Binding)), bindings);
  }
  for (const b of c.bindings) {
    if (b.hostPort !== 0) s.ports.release(b.hostIp, b.protocol, b.hostPort);
    if (b.v6Port !== undefined) s.ports.release('::', b.protocol, b.v6Port);
  }
  c.bindings = [];
}

/** `kill docker-proxy`: the listener goes away, the firewall rules stay. */
export function killDockerProxy(s: DaemonState, hostPort?: number): void {
  for (const c of s.containers) {
    for (const b of c.bindings) {
      b.listeners = b.listeners.filter((l) => hostPort !== undefined && l.port !== hostPort);
    }
  }
}
