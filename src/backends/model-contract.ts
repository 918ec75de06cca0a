/**
 * What the model backend is made of and offers: the daemon model it drives (the
 * documented surface of DockerDaemonModel, kept structural so tests can fake it), its
 * options, and what the twin and the report use beyond `Backend`.
 */
import type { ServiceInfo, ServiceSpec } from '../docker/swarm-script.ts';
import type { HostFirewallState } from '../netfilter/firewall-state.ts';
import type { FlowResult, HostInterface, HostState } from '../netfilter/host-types.ts';
import type { Ruleset } from '../netfilter/types.ts';
import type {
  Backend,
  ContainerInfo,
  ContainerOptions,
  ExecResult,
  NetworkInfo,
  NetworkOptions,
} from './backend.ts';
import type { TrafficProfile } from './model-http.ts';

/** What the backend needs of DockerDaemonModel (docs/ARCHITECTURE.md "docker model"). */
export interface DaemonModel {
  createNetwork(o: NetworkOptions): NetworkInfo;
  removeNetwork(name: string): void;
  run(o: ContainerOptions): ContainerInfo;
  remove(name: string, options?: { force?: boolean }): void;
  restart(name: string): void;
  /** `docker start NAME`. */
  start?(name: string): void;
  /** `docker stop NAME`. */
  stop?(name: string): void;
  /** `docker network connect NETWORK CONTAINER`. */
  connect?(network: string, container: string, ip?: string, aliases?: string[]): void;
  /** `docker network disconnect NETWORK CONTAINER`. */
  disconnect?(network: string, container: string): void;
  /** The container as `docker inspect` shows it now (address on its first network). */
  inspectContainer?(name: string): ContainerInfo;
  /** The address a container's routing picks to send to `dst` (several networks: not always its first). */
  sourceAddress?(name: string, dst: string): string | undefined;
  /** `systemctl restart docker` (containers without a restart policy stay stopped). */
  restartDaemon?(): void;
  /** Docker's embedded DNS: the address `from` gets for `name` (`ipv6`: its AAAA answer), if any. */
  resolveName(from: string, name: string, family?: 'ipv6'): string | undefined;
  iptables(argv: string[]): ExecResult;
  sysctl(key: string, value: string): void;
  killDockerProxy(hostPort?: number): void;
  learnBridgeName(network: string, bridge: string): void;
  /** The real host's id for a network (twin): the model's own stands in until then. */
  learnNetworkId?(network: string, id: string): void;
  learnDnsPorts(tcp: number, udp: number): void;
  /**
   * firewalld reloaded: Docker's reload callbacks run (DockerDaemonModel.firewallReload);
   * returns the bridges Docker binds to its firewalld zone again, in that order.
   */
  firewallReload?(): readonly string[];
  host(): HostState;
  ruleset(): Ruleset;
  /** ip6tables' tables, once an IPv6 network or an `ip6tables` line made them. */
  ruleset6?(): Ruleset | undefined;
  /** `docker swarm init` (src/docker/swarm.ts). */
  swarmInit?(): void;
  /** `docker service create`. */
  createService?(spec: ServiceSpec): ServiceInfo;
}

export interface DaemonModelFactory {
  start(options: {
    version: string;
    daemonOptions?: string[];
    uplink?: HostInterface;
    defaultVia?: string | null;
    baseline?: 'bare' | 'dind';
  }): DaemonModel;
}

export interface ModelBackendOptions {
  /** Override how the daemon model is made (tests); default DockerDaemonModel from src/docker. */
  daemonFactory?: DaemonModelFactory;
  /** The external client's address on eth0 (default 192.168.70.9). */
  externalAddress?: string;
  /**
   * 'bare' (default): the host as nettwin's DinD hosts are, with no network of the
   * runner's engine; 'dind': a host on a user-defined network of an outer engine, whose
   * embedded-DNS rules come first (the ground truth was recorded so).
   */
  baseline?: 'bare' | 'dind';
  /**
   * How the host's programs talk TCP (model-http.ts): NETTWIN_TRAFFIC (default), as
   * nettwin's DinD hosts run them; RECORDED_TRAFFIC to replay the ground truth.
   */
  traffic?: TrafficProfile;
}

/** The model backend plus what the twin, the steps and the report use beyond `Backend`. */
export interface ModelBackend extends Backend {
  readonly name: 'model';
  /** The daemon model (twin: learnBridgeName, learnDnsPorts). Throws before startHost(). */
  daemon(): DaemonModel;
  /** The live host state runFlow uses. */
  hostState(): HostState;
  /** The last flow run, with its packet path and counter deltas. */
  lastFlow(): FlowResult | undefined;
  /** Containers as the model placed them. */
  container(name: string): ContainerInfo | undefined;
  /** The clients' kernel: `net.ipv4.tcp_syn_linear_timeouts` (0 on kernels before 6.5). */
  setSynLinearTimeouts(value: number): void;
  /**
   * After a firewalld reload (twin): where Docker binds its bridges again in Go map order
   * (28+), the order the real host shows (FirewalldModel.adoptRebindOrder).
   */
  learnFirewalldRebindOrder(real: HostFirewallState): void;
}

export class ModelBackendError extends Error {
  override name = 'ModelBackendError';
}
