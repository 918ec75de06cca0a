/**
 * The contract types shared by every layer that speaks about Docker objects: what a
 * host, network or container is asked to be (options), what it turned out to be
 * (info), and what traffic observed. The Docker model (src/docker), the DinD layer
 * (src/dind) and the backends (src/backends) all import them from here, downwards;
 * src/backends/backend.ts re-exports them beside the Backend interface.
 */
import type { HostInterface, Neighbour, PathStep, Route } from './netfilter/host-types.ts';

export type BackendName = 'model' | 'dind' | 'twin';

export interface HostOptions {
  /** Docker version profile: "20.10", "26.1", "17.03". */
  dockerVersion: string;
  /** dockerd options, e.g. ["--icc=false", "--userland-proxy=false"]. */
  daemonOptions: string[];
  /**
   * A host firewall framework started before dockerd, as at boot (absent: none runs).
   * firewalld: dbus and firewalld (nftables backend), so Docker's firewalld integration
   * is live; ufw: `ufw --force enable`.
   */
  hostFirewall?: HostFirewall;
  /**
   * IPv6 on in the host and its outside world from the start (real hosts: quiet sysctls
   * before dockerd starts, src/dind/outside-world-ipv6.ts); the model needs nothing for it.
   */
  ipv6?: boolean;
}

/** Host firewall frameworks a Docker host can be started with (docker/common/host-firewall.sh). */
export const HOST_FIREWALLS = ['firewalld', 'ufw'] as const;
export type HostFirewall = (typeof HOST_FIREWALLS)[number];

export interface NetworkOptions {
  name: string;
  driver?: 'bridge';
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  internal?: boolean;
  /** -o key=value driver options (com.docker.network.bridge.name, enable_icc …). */
  options?: Record<string, string>;
  /** `--ipv6`: the network gets an IPv6 subnet too (subnet6, else the daemon's default IPv6 pool). */
  ipv6?: boolean;
  /** The IPv6 `--subnet` (e.g. fd00:1::/64); needs ipv6. */
  subnet6?: string;
  /** The IPv6 `--gateway`; needs subnet6. */
  gateway6?: string;
}

export interface PortMapping {
  hostIp?: string;
  /** Undefined = ephemeral. */
  hostPort?: number;
  containerPort: number;
  protocol: 'tcp' | 'udp';
}

export interface ContainerOptions {
  name: string;
  /** "bridge" (default), a network name, "host", "none", or "container:NAME". */
  network?: string;
  ip?: string;
  /** Network-scoped aliases on its first network (`--network-alias`): names Docker's DNS answers. */
  aliases?: string[];
  publish?: PortMapping[];
  /** Serve this body over HTTP on port `httpPort` (busybox httpd). */
  httpBody?: string;
  httpPort?: number;
  /** Serve `httpBody` on each of these ports instead (a compose service: each port it publishes or exposes). */
  httpPorts?: number[];
  /** Listen with `nc -l` on these TCP ports and record what arrives. */
  tcpListenPorts?: number[];
  /** Listen with `nc -u -l` on these UDP ports and record each datagram and its source. */
  udpListenPorts?: number[];
}

/** How a container joins one more network (`docker network connect --ip --alias`). */
export interface EndpointOptions {
  ip?: string;
  aliases?: string[];
}

/** The ports a container serves HTTP on: `httpPorts`, else `httpPort` (80 by default), when it has a body. */
export function httpPortsOf(o: Pick<ContainerOptions, 'httpBody' | 'httpPort' | 'httpPorts'>): number[] {
  if (o.httpBody === undefined) return [];
  return o.httpPorts ?? [o.httpPort ?? 80];
}

export interface NetworkInfo {
  name: string;
  id: string;
  bridge: string;
  subnet: string;
  /** '' when the network has none: gateway mode `isolated` without --gateway. */
  gateway: string;
  /** IPv6 networks only. */
  subnet6?: string;
  gateway6?: string;
}

export interface ContainerInfo {
  name: string;
  id: string;
  network: string;
  address?: string;
  /** Its IPv6 address on its primary network, where that network has IPv6. */
  address6?: string;
}

export interface PingResult {
  sent: number;
  received: number;
  /**
   * An error said so: the sender had no route ("Network is unreachable") or a
   * "Destination … Unreachable" came back. Not compared by the twin.
   */
  unreachable?: boolean;
  /** Model only: the packet path of the first request and its reply. */
  path?: PathStep[];
}

export interface RequestResult {
  /** ok: got a response; refused: RST / port unreachable; timeout: nothing came back. */
  outcome: 'ok' | 'refused' | 'timeout' | 'unreachable';
  body?: string;
  path?: PathStep[];
}

/** One UDP datagram sent (`echo PAYLOAD | nc -u`): did a listener receive it, and from whom. */
export interface DatagramResult {
  arrived: boolean;
  /** The source address the receiving listener saw (after any SNAT/MASQUERADE). */
  seenSource?: string;
  /** The container that received it. */
  receiver?: string;
  /** Model only: the packet path of the datagram. */
  path?: PathStep[];
}

/**
 * Who sends traffic: a container by name, the Docker host itself, the outer client, or
 * the neighbour: a machine on the host's LAN that routes the container subnets via the
 * host (a LAN router's static route, a VPN: moby#45610), so it aims at containers directly.
 */
export type Actor =
  | { kind: 'container'; name: string }
  | { kind: 'host' }
  | { kind: 'external' }
  | { kind: 'neighbour' };

/**
 * A host not built by Docker: a replayed production dump, or a plain Linux router
 * (seed 002's netns experiment). The model builds a HostState from it; a real backend
 * restores the dump and builds the interfaces on a fresh host.
 */
export interface StandaloneHostSpec {
  /** iptables-save text (may be empty: no rules, ACCEPT policies). */
  rulesetText: string;
  /** Native nft tables as `nft list ruleset` prints them (a snapshot's nftables.ruleset). */
  nftRulesetText?: string;
  /** Where the text came from, for error messages. */
  file?: string;
  interfaces: HostInterface[];
  routes: Route[];
  sysctls: Record<string, string>;
  /** Hosts behind the interfaces (a container on a bridge, a netns behind a veth). */
  neighbours: Neighbour[];
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}
