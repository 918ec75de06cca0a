/**
 * The model backend: the embedded twin. Docker's control plane is DockerDaemonModel
 * (src/docker), traffic is runFlow (src/netfilter/path) over the daemon's live host
 * state. No Docker, no I/O: a scenario runs in milliseconds.
 *
 * The world around the DinD host is fixed as on the real hosts (src/dind/outside-world.ts):
 * the host is 192.168.70.6/24 on eth0 with no default route (its LAN leads nowhere),
 * and the external client is the neighbour 192.168.70.9 on eth0 (model-outside-world.ts).
 *
 * This file holds the host (a Docker daemon model or a standalone host) and carries out
 * Docker actions and host commands on it; traffic steps are model-traffic-steps.ts over
 * model-traffic.ts, the firewall frameworks beside Docker's model-firewall.ts.
 */

import debug from 'debug';
import { DockerDaemonModel } from '../docker/daemon-model.ts';
import { getProfile } from '../docker/profile.ts';
import { isIPv4, isIPv6 } from '../netfilter/address/index.ts';
import { type HostCounters, type HostFirewallState, nftablesOf } from '../netfilter/firewall-state.ts';
import type { FlowResult, HostInterface, HostState, Listener } from '../netfilter/host-types.ts';
import type {
  Actor,
  ContainerInfo,
  ContainerOptions,
  DatagramResult,
  EndpointOptions,
  ExecResult,
  HostOptions,
  NetworkInfo,
  NetworkOptions,
  Observation,
  PingResult,
  RequestResult,
  ServiceInfo,
  ServiceSpec,
  StandaloneHostSpec,
} from './backend.ts';
import {
  type DaemonModel,
  type ModelBackend,
  ModelBackendError,
  type ModelBackendOptions,
} from './model-contract.ts';
import { ModelFirewall } from './model-firewall.ts';
import { startFirewalld } from './model-firewalld.ts';
import { runModelHostCommand } from './model-host-commands.ts';
import { DEFAULT_SYN_LINEAR_TIMEOUTS } from './model-http.ts';
import {
  addExternalClient,
  dindUplink,
  EXTERNAL_CLIENT_ADDRESS,
  EXTERNAL_CLIENT_NAME,
  requireIpv6Uplink,
} from './model-outside-world.ts';
import { standaloneState } from './model-standalone.ts';
import { DIND_HOST_ADDRESS, ModelTraffic, NEIGHBOUR_ADDRESS, NEIGHBOUR_NAME } from './model-traffic.ts';
import { ModelTrafficSteps } from './model-traffic-steps.ts';

export type { DaemonModel, DaemonModelFactory, ModelBackend } from './model-contract.ts';
export { MODEL_HOST_COMMANDS, uninterpretedHostCommand } from './model-host-commands.ts';

const log = debug('nettwin:model');

export { EXTERNAL_CLIENT_ADDRESS } from './model-outside-world.ts';

export function createModelBackend(options: ModelBackendOptions = {}): ModelBackend {
  return new ModelBackendImpl(options);
}

type Host = { kind: 'docker'; daemon: DaemonModel } | { kind: 'standalone'; state: HostState };

class ModelBackendImpl implements ModelBackend {
  readonly name = 'model' as const;
  private host: Host | undefined;
  private readonly containers = new Map<string, { info: ContainerInfo; options: ContainerOptions }>();
  private readonly networks = new Map<string, NetworkInfo>();
  private readonly seen = new Map<string, string>();
  private flow: FlowResult | undefined;
  private readonly external: string;
  /** What the external client routes via the Docker host (routeViaHost), beside its own LAN. */
  private readonly externalRoutes: string[] = [];
  private synLinearTimeouts = DEFAULT_SYN_LINEAR_TIMEOUTS;
  /** Docker 28+ binds its bridges to firewalld's zone again in Go map order after a reload. */
  private rebindsInMapOrder = false;
  /** iptables-legacy's and native nft tables beside the daemon's iptables-nft. */
  private readonly firewall = new ModelFirewall();
  private readonly traffic = new ModelTraffic({
    hostState: () => this.hostState(),
    daemon: () => this.daemon(),
    dockerDaemon: () => (this.host?.kind === 'docker' ? this.host.daemon : undefined),
    containers: this.containers,
    seen: this.seen,
    external: () => this.external,
    trafficProfile: () => this.options.traffic,
    resolveAddress: (n) => this.resolveAddress(n),
    setFlow: (flow) => {
      this.flow = flow;
    },
    synLinearTimeouts: () => this.synLinearTimeouts,
  });
  /** Traffic steps as observations: zero, send, read the deltas (model-traffic-steps.ts). */
  private readonly steps = new ModelTrafficSteps({
    traffic: this.traffic,
    firewall: this.firewall,
    hostState: () => this.hostState(),
    daemon: () => this.daemon(),
    resetFlow: () => {
      this.flow = undefined;
    },
  });

  constructor(private readonly options: ModelBackendOptions) {
    this.external = options.externalAddress ?? EXTERNAL_CLIENT_ADDRESS;
  }

  daemon(): DaemonModel {
    if (this.host?.kind !== 'docker') {
      throw new ModelBackendError(
        'the model has no Docker daemon yet: start the host first (Given a Docker host …)',
      );
    }
    return this.host.daemon;
  }

  hostState(): HostState {
    if (!this.host)
      throw new ModelBackendError('the model has no host yet: start one first (Given a Docker host …)');
    const state = this.host.kind === 'docker' ? this.host.daemon.host() : this.host.state;
    this.firewall.attach(state);
    addExternalClient(state, this.external, this.externalRoutes, this.host.kind === 'docker');
    return state;
  }

  setSynLinearTimeouts(value: number): void {
    this.synLinearTimeouts = value;
  }

  lastFlow(): FlowResult | undefined {
    return this.flow;
  }

  container(name: string): ContainerInfo | undefined {
    return this.containers.get(name)?.info;
  }

  async startHost(options: HostOptions): Promise<void> {
    if (this.host) throw new ModelBackendError('the model host is already started; one host per scenario');
    const factory = this.options.daemonFactory ?? DockerDaemonModel;
    const daemon = factory.start({
      version: options.dockerVersion,
      daemonOptions: options.daemonOptions,
      uplink: dindUplink(options.ipv6 === true),
      // As on the real hosts: the LAN leads nowhere, so no default route.
      defaultVia: null,
      baseline: this.options.baseline ?? 'bare',
    });
    this.host = { kind: 'docker', daemon };
    if (options.hostFirewall === 'firewalld') {
      this.firewall.firewalld = startFirewalld(options.dockerVersion, this.firewall.nftTables());
      this.rebindsInMapOrder = getProfile(options.dockerVersion).firewalldReload === 'live';
    }
    if (options.hostFirewall === 'ufw') {
      // ufw starts at boot, before dockerd; Docker puts its FORWARD rules at the top of
      // the chain, above ufw's jumps, so enabling ufw after the daemon leaves the same rules.
      await this.hostCommand(['ufw', '--force', 'enable']);
    }
    log(
      'Started model host "%s" (Docker %s %o)',
      DIND_HOST_ADDRESS,
      options.dockerVersion,
      options.daemonOptions,
    );
  }

  async loadStandaloneHost(spec: StandaloneHostSpec): Promise<void> {
    if (this.host)
      throw new ModelBackendError('this scenario already has a host; describe one host per scenario');
    const { state, nft } = standaloneState(spec);
    this.host = { kind: 'standalone', state };
    if (nft) this.firewall.nft = nft;
  }

  async createNetwork(options: NetworkOptions): Promise<NetworkInfo> {
    const info = this.daemon().createNetwork(options);
    this.networks.set(info.name, info);
    // Docker binds each bridge it makes to its firewalld zone.
    this.firewall.firewalld?.bridgeAdded(info.bridge);
    return info;
  }

  async removeNetwork(name: string): Promise<void> {
    const bridge = this.networks.get(name)?.bridge;
    this.daemon().removeNetwork(name);
    this.networks.delete(name);
    if (bridge) this.firewall.firewalld?.bridgeRemoved(bridge);
  }

  async runContainer(options: ContainerOptions): Promise<ContainerInfo> {
    const info = this.daemon().run(options);
    this.containers.set(options.name, { info, options });
    return info;
  }

  /** `docker rm -f`: a scenario removes running containers. */
  async removeContainer(name: string): Promise<void> {
    this.daemon().remove(name, { force: true });
    this.containers.delete(name);
    this.seen.delete(name);
  }

  async restartContainer(name: string): Promise<void> {
    this.daemon().restart(name);
    this.refreshContainer(name);
  }

  async startContainer(name: string): Promise<void> {
    const daemon = this.daemon();
    if (!daemon.start) throw new ModelBackendError('this daemon model cannot start a stopped container');
    daemon.start(name);
    this.refreshContainer(name);
  }

  /** The container keeps its last address here: a step may still aim at it (nobody answers). */
  async stopContainer(name: string): Promise<void> {
    const daemon = this.daemon();
    if (!daemon.stop) throw new ModelBackendError('this daemon model cannot stop a container');
    daemon.stop(name);
  }

  async connectNetwork(
    network: string,
    container: string,
    endpoint?: EndpointOptions,
  ): Promise<ContainerInfo> {
    const daemon = this.daemon();
    if (!daemon.connect) throw new ModelBackendError('this daemon model cannot connect a container');
    daemon.connect(network, container, endpoint?.ip, endpoint?.aliases);
    return this.refreshContainer(container);
  }

  async disconnectNetwork(network: string, container: string): Promise<ContainerInfo> {
    const daemon = this.daemon();
    if (!daemon.disconnect) throw new ModelBackendError('this daemon model cannot disconnect a container');
    daemon.disconnect(network, container);
    return this.refreshContainer(container);
  }

  learnFirewalldRebindOrder(real: HostFirewallState): void {
    const nft = nftablesOf(real);
    if (this.rebindsInMapOrder && nft) this.firewall.firewalld?.adoptRebindOrder(nft);
  }

  /** What the daemon says of the container now (its address after a start, connect or disconnect). */
  private refreshContainer(name: string): ContainerInfo {
    const known = this.containers.get(name);
    const daemon = this.daemon();
    if (!known || !daemon.inspectContainer) return known?.info ?? { name, id: '', network: '' };
    known.info = daemon.inspectContainer(name);
    return known.info;
  }

  async restartDaemon(): Promise<void> {
    const daemon = this.daemon();
    if (!daemon.restartDaemon) throw new ModelBackendError('this daemon model cannot restart');
    daemon.restartDaemon();
  }

  async swarmInit(): Promise<void> {
    const daemon = this.daemon();
    if (!daemon.swarmInit) throw new ModelBackendError('this daemon model has no swarm mode');
    daemon.swarmInit();
  }

  async createService(spec: ServiceSpec): Promise<ServiceInfo> {
    const daemon = this.daemon();
    if (!daemon.createService) throw new ModelBackendError('this daemon model has no swarm mode');
    return daemon.createService(spec);
  }

  async hostCommand(line: string | string[]): Promise<ExecResult> {
    return runModelHostCommand(
      {
        state: () => this.hostState(),
        daemon: this.host?.kind === 'docker' ? this.host.daemon : undefined,
        firewall: this.firewall,
      },
      line,
    );
  }

  async routeViaHost(cidr: string): Promise<void> {
    this.daemon();
    if (cidr.includes(':')) requireIpv6Uplink(this.hostState(), cidr);
    if (!this.externalRoutes.includes(cidr)) this.externalRoutes.push(cidr);
  }

  async killDockerProxy(hostPort?: number): Promise<void> {
    this.daemon().killDockerProxy(hostPort);
  }

  async zeroCounters(): Promise<void> {
    this.firewall.zero(this.hostState());
  }

  async readRuleset(): Promise<HostFirewallState> {
    return this.firewall.read(this.hostState());
  }

  async readCounters(): Promise<HostCounters> {
    return this.firewall.counters(this.hostState());
  }

  ping(from: Actor, to: string, count: number): Promise<Observation<PingResult>> {
    return this.steps.ping(from, to, count);
  }

  pingByName(from: Actor, name: string, count: number, family?: 'ipv6'): Promise<Observation<PingResult>> {
    return this.steps.pingByName(from, name, count, family);
  }

  pingFromAddress(from: string, to: string, count: number): Promise<Observation<PingResult>> {
    return this.steps.pingFromAddress(from, to, count);
  }

  httpGet(from: Actor, url: string): Promise<Observation<RequestResult>> {
    return this.steps.httpGet(from, url);
  }

  udpSend(from: Actor, to: string, port: number, payload: string): Promise<Observation<DatagramResult>> {
    return this.steps.udpSend(from, to, port, payload);
  }

  tcpSend(
    from: Actor,
    to: string,
    port: number,
    payload: string,
  ): Promise<Observation<RequestResult & { seenSource?: string }>> {
    return this.steps.tcpSend(from, to, port, payload);
  }

  async lastSeenSource(container: string): Promise<string | undefined> {
    return this.seen.get(container);
  }

  async listeners(): Promise<Listener[]> {
    return structuredClone(this.hostState().listeners);
  }

  async interfaces(): Promise<HostInterface[]> {
    return structuredClone(this.hostState().interfaces);
  }

  async resolveAddress(nameOrAddress: string): Promise<string> {
    if (isIPv4(nameOrAddress) || isIPv6(nameOrAddress)) return nameOrAddress;
    const container = this.containers.get(nameOrAddress)?.info;
    if (container?.address) return container.address;
    if (container)
      throw new ModelBackendError(`container "${nameOrAddress}" has no IPv4 address (network none?)`);
    const network = this.networks.get(nameOrAddress);
    if (network?.gateway) return network.gateway;
    if (network)
      throw new ModelBackendError(
        `network "${nameOrAddress}" has no gateway address (gateway mode isolated)`,
      );
    if (nameOrAddress === 'host') return DIND_HOST_ADDRESS;
    if (nameOrAddress === EXTERNAL_CLIENT_NAME) return this.external;
    if (nameOrAddress === NEIGHBOUR_NAME) return NEIGHBOUR_ADDRESS;
    throw new ModelBackendError(
      `cannot resolve "${nameOrAddress}": not an IPv4 address, nor a container or network of this scenario ` +
        `(known containers: ${[...this.containers.keys()].join(', ') || 'none'})`,
    );
  }

  async dispose(): Promise<void> {
    this.host = undefined;
  }
}
