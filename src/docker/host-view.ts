/**
 * The host as the packet path sees it (HostState): interfaces (the uplink and one bridge
 * per network), the default route, docker-proxy and host-network listeners, containers as
 * neighbours on their bridges, sysctls, and the firewall's tables — a live view, so
 * counters land in the daemon's own rulesets.
 */
import { parseCidr, parseCidr6 } from '../netfilter/address/index.ts';
import type { HostFirewallState } from '../netfilter/firewall-state.ts';
import type { HostInterface, HostState, Listener, Neighbour, Route } from '../netfilter/host-types.ts';
import { type ContainerState, type DaemonState, findNetwork } from './daemon-state.ts';

type ServedPort = { protocol: 'tcp' | 'udp'; port: number };

/** The sockets a container's programs listen on (its HTTP servers, nc -l, nc -u -l). */
function servedPorts(c: ContainerState): ServedPort[] {
  const tcp = new Set<number>();
  if (c.options.httpPorts) for (const p of c.options.httpPorts) tcp.add(p);
  else if (c.options.httpPort !== undefined) tcp.add(c.options.httpPort);
  for (const p of c.options.tcpListenPorts ?? []) tcp.add(p);
  const udp = new Set(c.options.udpListenPorts ?? []);
  return [
    ...[...tcp].map((port) => ({ protocol: 'tcp' as const, port })),
    ...[...udp].map((port) => ({ protocol: 'udp' as const, port })),
  ];
}

/**
 * The subnets a container routes to when it has no default route: on internal
 * networks only, with a profile that gives them none. undefined: it has one.
 */
function routesWithoutDefault(s: DaemonState, c: ContainerState): string[] | undefined {
  if (s.profile.internalDefaultRoute || c.endpoints.size === 0) return undefined;
  const networks = [...c.endpoints.keys()].map((n) => findNetwork(s, n));
  // Each network's subnets of both families: an internal IPv6 network is on-link over IPv6 too.
  return networks.every((n) => n.internal)
    ? networks.flatMap((n) => (n.ipv6 ? [n.subnet, n.ipv6.subnet] : [n.subnet]))
    : undefined;
}

export function hostView(s: DaemonState): HostState {
  const interfaces: HostInterface[] = [
    { name: 'lo', kind: 'loopback', addresses: [{ address: '127.0.0.1', prefix: 8 }], up: true },
    s.uplink,
    ...s.networks.map(
      (n): HostInterface => ({
        name: n.bridge,
        kind: 'bridge',
        addresses: [
          // An 'isolated' network's bridge has no address of that family (moby
          // setupBridgeIPv4 / setupBridgeIPv6), even with a --gateway.
          ...(n.gatewayMode !== 'isolated'
            ? [{ address: n.gateway, prefix: parseCidr(n.subnet).prefix }]
            : []),
          ...(n.ipv6 && n.ipv6.gatewayMode !== 'isolated'
            ? [{ address: n.ipv6.gateway, prefix: parseCidr6(n.ipv6.subnet).prefix }]
            : []),
        ],
        up: true,
      }),
    ),
  ];
  const routes: Route[] = [];
  if (s.defaultVia) routes.push({ destination: 'default', dev: s.uplink.name, via: s.defaultVia });
  if (s.defaultVia6) routes.push({ destination: '::/0', dev: s.uplink.name, via: s.defaultVia6 });
  const listeners: Listener[] = [];
  const neighbours: Neighbour[] = [];
  for (const c of s.containers) {
    if (!c.running) continue;
    for (const b of c.bindings) listeners.push(...b.listeners);
    const served = servedPorts(c);
    if (c.mode === 'host') {
      for (const { protocol, port } of served)
        listeners.push({ protocol, address: '0.0.0.0', port, owner: c.name });
      continue;
    }
    const reaches = routesWithoutDefault(s, c);
    for (const [network, address] of [...c.endpoints, ...c.endpoints6]) {
      neighbours.push({
        name: c.name,
        address,
        dev: findNetwork(s, network).bridge,
        listeners: served,
        answersPing: true,
        ...(reaches ? { reaches } : {}),
      });
    }
  }
  for (const c of s.containers) {
    if (!c.running || !c.mode.startsWith('container:')) continue;
    const owner = s.containers.find((x) => x.name === c.mode.slice('container:'.length));
    for (const nb of neighbours) {
      if (nb.name !== owner?.name) continue;
      nb.listeners = [...(nb.listeners ?? []), ...servedPorts(c)];
    }
  }
  const nftRuleset = s.firewall?.nftRuleset();
  const firewall: HostFirewallState = [
    {
      framework: 'iptables-nft',
      family: 'ipv4',
      ruleset: s.iptables.ruleset,
      materializedBuiltins: [...s.iptables.registeredBuiltins],
    },
  ];
  // IPv4-only hosts keep the view they had: ip6tables' tables appear with the first IPv6 network.
  if (s.networks.some((n) => n.ipv6)) {
    firewall.push({
      framework: 'iptables-nft',
      family: 'ipv6',
      ruleset: s.ip6tables.ruleset,
      materializedBuiltins: [...s.ip6tables.registeredBuiltins],
    });
  }
  if (nftRuleset) firewall.push({ framework: 'nftables', ruleset: nftRuleset });
  return {
    firewall,
    interfaces,
    routes,
    sysctls: { ...s.sysctls },
    listeners,
    neighbours,
    nftLazyBuiltinChains: true,
  };
}
