/**
 * The small interface every backend implements (model, dind, twin). A step is
 * written once against it; `Then` steps assert on the observations it returns.
 */
import type { HostInterface, Listener, Neighbour, PathStep, Route } from '../netfilter/host-types.ts';
import type { CounterDelta, Ruleset } from '../netfilter/types.ts';

export type BackendName = 'model' | 'dind' | 'twin';

export interface HostOptions {
  /** Docker version profile: "20.10", "26.1", "17.03". */
  dockerVersion: string;
  /** dockerd options, e.g. ["--icc=false", "--userland-proxy=false"]. */
  daemonOptions: string[];
}

export interface NetworkOptions {
  name: string;
  driver?: 'bridge';
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  internal?: boolean;
  /** -o key=value driver options (com.docker.network.bridge.name, enable_icc …). */
  options?: Record<string, string>;
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
  publish?: PortMapping[];
  /** Serve this body over HTTP on port `httpPort` (busybox httpd). */
  httpBody?: string;
  httpPort?: number;
  /** Listen with `nc -l` on these TCP ports and record what arrives. */
  tcpListenPorts?: number[];
}

export interface NetworkInfo {
  name: string;
  id: string;
  bridge: string;
  subnet: string;
  gateway: string;
}

export interface ContainerInfo {
  name: string;
  id: string;
  network: string;
  address?: string;
}

export interface PingResult {
  sent: number;
  received: number;
  /** Model only: the packet path of the first request and its reply. */
  path?: PathStep[];
}

export interface RequestResult {
  /** ok: got a response; refused: RST / port unreachable; timeout: nothing came back. */
  outcome: 'ok' | 'refused' | 'timeout' | 'unreachable';
  body?: string;
  path?: PathStep[];
}

/** Who sends traffic: a container by name, the Docker host itself, or the outer client. */
export type Actor = { kind: 'container'; name: string } | { kind: 'host' } | { kind: 'external' };

/**
 * A host not built by Docker: a replayed production dump, or a plain Linux router
 * (seed 002's netns experiment). The model builds a HostState from it; a real backend
 * restores the dump and builds the interfaces on a fresh host.
 */
export interface StandaloneHostSpec {
  /** iptables-save text (may be empty: no rules, ACCEPT policies). */
  rulesetText: string;
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

export interface Backend {
  readonly name: BackendName;
  startHost(options: HostOptions): Promise<void>;
  createNetwork(options: NetworkOptions): Promise<NetworkInfo>;
  removeNetwork(name: string): Promise<void>;
  runContainer(options: ContainerOptions): Promise<ContainerInfo>;
  removeContainer(name: string): Promise<void>;
  restartContainer(name: string): Promise<void>;
  /** A shell line run on the Docker host: `iptables …`, `sysctl -w …`. */
  hostCommand(line: string): Promise<ExecResult>;
  /** Kill docker-proxy processes (all, or the one for a host port). */
  killDockerProxy(hostPort?: number): Promise<void>;
  /** Zero all counters (filter and nat, rules and policies) before an observed step. */
  zeroCounters(): Promise<void>;
  /** `iptables-save -c` of the host, parsed. */
  readRuleset(): Promise<Ruleset>;
  /** Counter deltas since the last zeroCounters() (rules and policies that counted). */
  readCounters(): Promise<CounterDelta[]>;
  ping(from: Actor, to: string, count: number): Promise<PingResult>;
  /**
   * Ping a container by name through the sender's own resolver: Docker's embedded DNS
   * answers only on user-defined networks. Rejects with the resolver's words when the
   * name does not resolve.
   */
  pingByName(from: Actor, name: string, count: number): Promise<PingResult>;
  /** Replace the Docker host with a standalone host (before any Docker step). */
  loadStandaloneHost(spec: StandaloneHostSpec): Promise<void>;
  /** ICMP echo from a neighbour address (or a local address) of a standalone host. */
  pingFromAddress(from: string, to: string, count: number): Promise<PingResult>;
  /** HTTP GET; url host may be an address or a container name. */
  httpGet(from: Actor, url: string): Promise<RequestResult>;
  /** Send `payload` over TCP to a container's nc listener; returns what the server saw. */
  tcpSend(
    from: Actor,
    to: string,
    port: number,
    payload: string,
  ): Promise<RequestResult & { seenSource?: string }>;
  /** Source address the named container saw on its last received connection or ping. */
  lastSeenSource(container: string): Promise<string | undefined>;
  listeners(): Promise<Listener[]>;
  interfaces(): Promise<HostInterface[]>;
  /** Resolve a container name, network name or literal address to an IP address. */
  resolveAddress(nameOrAddress: string): Promise<string>;
  dispose(): Promise<void>;
}
