/**
 * What the packet path needs to know about a host: its firewall (one tagged state per
 * framework and family), interfaces and addresses, routes, sysctls, local listeners
 * (docker-proxy), and the neighbours that sit behind its interfaces (containers, outer hosts).
 */

import type { HostFirewallState } from './firewall-state.ts';
import type { NftCounterDelta } from './path/native-hooks.ts';
import type { CounterDelta, TableName } from './types.ts';

export type InterfaceKind = 'loopback' | 'bridge' | 'ether';

export interface InterfaceAddress {
  address: string;
  prefix: number;
}

export interface HostInterface {
  name: string;
  /** 'bridge' means a Linux bridge: br_netfilter applies to traffic between its ports. */
  kind: InterfaceKind;
  addresses: InterfaceAddress[];
  up?: boolean;
}

export interface Route {
  /** CIDR, "default" for 0.0.0.0/0. */
  destination: string;
  dev: string;
  via?: string;
  /** Preferred source address for host-originated packets. */
  src?: string;
}

export type L4Protocol = 'tcp' | 'udp';
export type FlowProtocol = 'icmp' | L4Protocol;

/** A socket listening on the host (docker-proxy, sshd …). */
export interface Listener {
  protocol: L4Protocol;
  /** "0.0.0.0" for any IPv4 address, "::" for any IPv6 address. */
  address: string;
  port: number;
  /**
   * docker-proxy: every accepted connection is relayed as a new host-originated
   * connection to this address and port.
   */
  forwardTo?: { address: string; port: number };
  /** Who owns it, for humans ("docker-proxy", "sshd"). */
  owner?: string;
}

/**
 * Something that sends and receives packets behind one of the host's interfaces:
 * a container on a bridge, or another machine on eth0's network.
 */
export interface Neighbour {
  name: string;
  address: string;
  /** The host interface it is reached through (a bridge or eth0). */
  dev: string;
  /** Sockets it serves; a neighbour with no listener on a port answers TCP with RST. */
  listeners?: Array<{ protocol: L4Protocol; port: number }>;
  /** Neighbours answer ICMP echo unless this is false. */
  answersPing?: boolean;
  /**
   * CIDRs it has routes to, when it has no default route (a container on internal
   * networks only, Docker 25+): a packet to anywhere else fails inside the neighbour
   * ("Network is unreachable") and never reaches the host. Absent: it sends everything.
   */
  reaches?: string[];
}

export interface HostState {
  /**
   * The firewall the packet path walks, one entry per framework and family
   * (firewall-state.ts; read with iptablesOf, iptablesStateOf, nftablesOf):
   * - iptables-nft IPv4 (what iptables-save prints): IPv4 packets walk it; always there.
   * - iptables-nft IPv6 (ip6tables-save): IPv6 packets walk it instead. Absent: the host
   *   has no ip6tables rules, and every IPv6 hook accepts.
   * - iptables-legacy IPv4: rules written with iptables-legacy beside iptables-nft's (a
   *   host or DinD whose tools use the other backend: docker-library/docker#443, #467,
   *   moby#46147). Its tables hook the same points at the same priorities and run before
   *   nft's: at equal priority the hook registered last runs first, and the legacy table
   *   registers when first used, after Docker's nft chains (measured on a fresh DinD host:
   *   Docker's nft FORWARD rules count nothing a legacy FORWARD DROP drops). Not modelled:
   *   nft base chains created after the legacy table (they would run first), legacy nat,
   *   legacy IPv6. Its counters live on its own rules, not in a flow's deltas.
   * - nftables: native tables (`nft list ruleset` without iptables-nft's own): firewalld's
   *   `inet firewalld`, a distribution's `inet filter`, Docker 29's `ip docker-bridges`.
   *   Their base chains run at their hooks by priority among iptables' tables; an accept
   *   ends one base chain only. Counters live on their rules (`FlowResult.nftCounters`).
   */
  firewall: HostFirewallState;
  interfaces: HostInterface[];
  /**
   * Explicit routes; connected routes are derived from interface addresses (of both
   * families) when absent. An IPv6 route has an IPv6 destination (`::/0` the default).
   */
  routes: Route[];
  /** e.g. {"net.ipv4.ip_forward": "1", "net.ipv6.conf.all.forwarding": "1"} */
  sysctls: Record<string, string>;
  listeners: Listener[];
  neighbours: Neighbour[];
  /**
   * iptables-nft creates a built-in chain in the kernel only once it has a rule or a
   * non-ACCEPT policy; until then nothing counts on it (seen in ground truth e3: filter
   * INPUT stays [0:0] while traffic reaches a local docker-proxy). Default true. The
   * built-ins that exist anyway are each iptables entry's `materializedBuiltins`.
   */
  nftLazyBuiltinChains?: boolean;
  /** ipset name → members ("10.0.0.1", "10.0.0.0/8", "10.0.0.1,tcp:80") for `-m set --match-set`. */
  ipsets?: Record<string, string[]>;
}

/** Where a flow starts: a neighbour's address, or the host itself. */
export interface FlowSpec {
  protocol: FlowProtocol;
  from: string;
  to: string;
  /** Destination port (tcp/udp). */
  port?: number;
  /** ICMP echo requests to send (default 1); for tcp/udp the number of attempts. */
  count?: number;
  /** Application payload bytes of the request (tcp/udp). */
  requestBytes?: number;
  /** Application payload bytes of the response (tcp/udp). */
  responseBytes?: number;
  /** TCP: segments the response is sent in (default 1; busybox httpd sends headers and body apart: 2). */
  responseSegments?: number;
  /** TCP: who sends the first FIN (default 'client', like `nc -q`; HTTP servers such as busybox httpd: 'server'). */
  closer?: 'client' | 'server';
  /**
   * TCP: both endpoints ACK every segment at once (the route attribute `quickack 1`,
   * set on nettwin's hosts), so the conversation does not depend on timing. Default
   * false: Linux's delayed ACKs, as the ground-truth recordings had them.
   */
  quickAck?: boolean;
  /**
   * IPv6: every neighbour cache starts empty, and the NS/NA a first packet costs cross the
   * hooks (path/neighbour-discovery.ts). Default false: warm caches. IPv4's ARP crosses no
   * iptables hook, so an IPv4 flow is the same either way.
   */
  coldNeighbours?: boolean;
}

export type FlowVerdict =
  /** Every request answered. */
  | 'delivered'
  /** Some answered, some not. */
  | 'partial'
  /** Dropped somewhere: the client times out. */
  | 'timeout'
  /** TCP RST or ICMP port-unreachable came back: the client sees "connection refused". */
  | 'refused'
  /** No route to the destination. */
  | 'unreachable';

export interface PathStep {
  /** Which packet of the flow (1-based) and in which direction. */
  packet: number;
  direction: 'request' | 'reply';
  /** What the packet looked like here. */
  src: string;
  dst: string;
  kind: 'hook' | 'rule' | 'policy' | 'route' | 'conntrack' | 'nat' | 'deliver' | 'drop' | 'socket' | 'note';
  table?: TableName;
  chain?: string;
  /** 1-based rule number for kind 'rule'. */
  rule?: number;
  text: string;
}

export interface FlowResult {
  verdict: FlowVerdict;
  /**
   * The flow's address family (absent: ipv4): `counters` are rows of the iptables-nft
   * entry of that family in HostState.firewall.
   */
  family?: 'ipv4' | 'ipv6';
  /** Requests sent (ICMP echo requests, TCP connection attempts, UDP datagrams). */
  sent: number;
  /** Requests answered. */
  delivered: number;
  /** Source address the final receiver saw (after any SNAT/MASQUERADE), if anything arrived. */
  seenSource?: string;
  /** Which endpoint finally received the request (neighbour name, "host", or a docker-proxy relay). */
  receiver?: string;
  /** Per-rule and per-policy deltas for every rule or policy that counted (zeros omitted). */
  counters: CounterDelta[];
  /**
   * docker-proxy relayed to the other family (a [::] listener, an IPv4-only container): what
   * that connection counted, rows of the other family's iptables-nft entry.
   */
  relayCounters?: { family: 'ipv4' | 'ipv6'; counters: CounterDelta[] };
  /** What the flow counted on native nft rules (HostState.firewall's nftables entry); absent without one. */
  nftCounters?: NftCounterDelta[];
  path: PathStep[];
  /** Packets a real kernel may send more of, depending on timing; `counters` counts none of them. */
  variations?: CounterVariation[];
}

/** Up to `upTo` more packets like one the flow sent, each counting `counters` once more. */
export interface CounterVariation {
  /** What the extra packets would be, e.g. "ACK of response (client → 172.18.0.66:80)". */
  reason: string;
  upTo: number;
  counters: CounterDelta[];
}
