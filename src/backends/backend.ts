/**
 * The small interface every backend implements (model, dind, twin). A step is
 * written once against it; `Then` steps assert on the observations it returns.
 * The data types it speaks in live in src/contract.ts (re-exported here).
 */
import type {
  Actor,
  BackendName,
  ContainerInfo,
  ContainerOptions,
  DatagramResult,
  EndpointOptions,
  ExecResult,
  HostOptions,
  NetworkInfo,
  NetworkOptions,
  PingResult,
  RequestResult,
  StandaloneHostSpec,
} from '../contract.ts';
import type { ServiceInfo, ServiceSpec } from '../docker/swarm-script.ts';
import type { HostCounters, HostFirewallState } from '../netfilter/firewall-state.ts';
import type { HostInterface, Listener } from '../netfilter/host-types.ts';
import type { Observation } from './observation.ts';

export type {
  Actor,
  BackendName,
  ContainerInfo,
  ContainerOptions,
  DatagramResult,
  EndpointOptions,
  ExecResult,
  HostOptions,
  NetworkInfo,
  NetworkOptions,
  PingResult,
  PortMapping,
  RequestResult,
  StandaloneHostSpec,
} from '../contract.ts';
export type { ServiceInfo, ServiceSpec } from '../docker/swarm-script.ts';
export type { Observation, TwinObservation } from './observation.ts';

/** How a real host knows a host command's effect is over (hostCommand). */
export interface HostCommandOptions {
  /**
   * After a firewalld reload: the firewall Docker's restore ends in (the twin's model
   * predicts it). Without it a real host waits for the state it had before the reload.
   */
  firewallSettled?: (firewall: HostFirewallState) => boolean;
}

export interface Backend {
  readonly name: BackendName;
  /**
   * Twin only: the model it runs beside the real host, for what steps compare beyond a
   * traffic step (`the ruleset matches the model`). Absent on model and dind.
   */
  readonly model?: Backend;
  startHost(options: HostOptions): Promise<void>;
  createNetwork(options: NetworkOptions): Promise<NetworkInfo>;
  removeNetwork(name: string): Promise<void>;
  runContainer(options: ContainerOptions): Promise<ContainerInfo>;
  removeContainer(name: string): Promise<void>;
  restartContainer(name: string): Promise<void>;
  /** `docker start`: start a stopped container again (after a daemon restart). */
  startContainer(name: string): Promise<void>;
  /** `docker stop`: its endpoints and port bindings go, the container stays. */
  stopContainer(name: string): Promise<void>;
  /**
   * `docker network connect [--ip] [--alias …] NETWORK CONTAINER`; returns the container as it is then
   * (its address stays the one on its first network).
   */
  connectNetwork(network: string, container: string, endpoint?: EndpointOptions): Promise<ContainerInfo>;
  /** `docker network disconnect NETWORK CONTAINER`; returns the container as it is then. */
  disconnectNetwork(network: string, container: string): Promise<ContainerInfo>;
  /**
   * `systemctl restart docker`, keeping the daemon's state: containers stop (no
   * live-restore), dockerd starts again and rebuilds its chains and networks.
   */
  restartDaemon(): Promise<void>;
  /**
   * A command run on the Docker host: a shell line a feature wrote (`iptables …`,
   * `sysctl -w …`), or an argv that no shell reads (a step's values: data, not words).
   */
  hostCommand(command: string | string[], options?: HostCommandOptions): Promise<ExecResult>;
  /**
   * The external client routes `cidr` via the Docker host's eth0 address: a neighbour
   * that sends container subnets to the host (the direct-routing class, moby#45610).
   */
  routeViaHost(cidr: string): Promise<void>;
  /** Kill docker-proxy processes (all, or the one for a host port). */
  killDockerProxy(hostPort?: number): Promise<void>;
  /**
   * Zero all counters on every framework (iptables-nft's tables, iptables-legacy's where
   * present, native nft rules). Traffic methods do it themselves before they send.
   */
  zeroCounters(): Promise<void>;
  /** The host's firewall on every framework: `iptables-save -c`, legacy, native nft tables. */
  readRuleset(): Promise<HostFirewallState>;
  /** Counter deltas since the last zeroCounters() on every framework (rows that counted). */
  readCounters(): Promise<HostCounters>;
  /**
   * Traffic: each zeroes the counters, sends, and returns what it saw with the deltas
   * it caused (an Observation).
   */
  ping(from: Actor, to: string, count: number): Promise<Observation<PingResult>>;
  /**
   * Ping a container by name through the sender's own resolver: Docker's embedded DNS
   * answers only on user-defined networks. Rejects with the resolver's words when the
   * name does not resolve. `ipv6`: `ping -6`, the AAAA answer (the name's IPv6 address).
   */
  pingByName(from: Actor, name: string, count: number, family?: 'ipv6'): Promise<Observation<PingResult>>;
  /** Replace the Docker host with a standalone host (before any Docker step). */
  loadStandaloneHost(spec: StandaloneHostSpec): Promise<void>;
  /** ICMP echo from a neighbour address (or a local address) of a standalone host. */
  pingFromAddress(from: string, to: string, count: number): Promise<Observation<PingResult>>;
  /** HTTP GET; url host may be an address or a container name. */
  httpGet(from: Actor, url: string): Promise<Observation<RequestResult>>;
  /** Send `payload` over TCP to a container's nc listener; returns what the server saw. */
  tcpSend(
    from: Actor,
    to: string,
    port: number,
    payload: string,
  ): Promise<Observation<RequestResult & { seenSource?: string }>>;
  /**
   * One UDP datagram of `payload` (and echo's newline) to `to`:`port`; whether a UDP
   * listener of a container received it, and the source it saw.
   */
  udpSend(from: Actor, to: string, port: number, payload: string): Promise<Observation<DatagramResult>>;
  /** Source address the named container saw on its last received connection or ping. */
  lastSeenSource(container: string): Promise<string | undefined>;
  listeners(): Promise<Listener[]>;
  interfaces(): Promise<HostInterface[]>;
  /** Resolve a container name, network name or literal address to an IP address. */
  resolveAddress(nameOrAddress: string): Promise<string>;
  /**
   * `docker swarm init` and `docker service create` (src/docker/swarm.ts). The model only:
   * the routing mesh needs IPVS, which the kernels nettwin's real hosts run on lack.
   */
  swarmInit?(): Promise<void>;
  createService?(spec: ServiceSpec): Promise<ServiceInfo>;
  dispose(): Promise<void>;
}
