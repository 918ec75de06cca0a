/**
 * The dind backend: every step on a real Docker-in-Docker host (src/dind). Containers
 * run the workload image in the inner daemon; 'external' is the client namespace of
 * the host's own outside world (src/dind/outside-world.ts), 'host' execs on the DinD
 * host itself.
 *
 * This file is the host's lifecycle (start, daemon restart, standalone hosts, release),
 * host commands, the firewall's counters around each traffic step, and name resolution;
 * the Docker objects a scenario makes are dind-endpoints.ts, the traffic itself
 * dind-traffic.ts.
 */

import createDebug from 'debug';
import type { ComposePlan } from '../compose/plan.ts';
import { DindExecError } from '../dind/errors.ts';
import { DindFirewall } from '../dind/firewall-io.ts';
import {
  dockerFirewallState,
  reloadsFirewalld,
  settleAfterFirewalldReload,
  settleFirewallTo,
} from '../dind/firewalld-reload.ts';
import { machineAddress } from '../dind/outside-world.ts';
import { hostDeterministicTcpArgv, hostQuickAckArgv } from '../dind/quickack.ts';
import type { DindSession } from '../dind/session.ts';
import { sharedDindSession } from '../dind/session.ts';
import type { StartedDindHost } from '../dind/started-dind-host.ts';
import { DEFAULT_DOCKER_VERSION } from '../docker/profile.ts';
import { isIPv6 } from '../netfilter/address/index.ts';
import type { HostCounters, HostFirewallState } from '../netfilter/firewall-state.ts';
import type { HostInterface, Listener } from '../netfilter/host-types.ts';
import type {
  Actor,
  Backend,
  ContainerInfo,
  ContainerOptions,
  DatagramResult,
  EndpointOptions,
  ExecResult,
  HostCommandOptions,
  HostOptions,
  NetworkInfo,
  NetworkOptions,
  Observation,
  PingResult,
  RequestResult,
  StandaloneHostSpec,
} from './backend.ts';
import type { HostComposeUp } from './compose-host.ts';
import { composeUpOnDind, hostRunsCompose } from './dind-compose.ts';
import { DindEndpoints } from './dind-endpoints.ts';
import { restoreStandaloneHost } from './dind-standalone.ts';
import { DindTraffic, IPV4, routeViaHostArgv } from './dind-traffic.ts';

export { curlOutcome } from './dind-outcomes.ts';
export { workloadCommand } from './dind-workload.ts';

const log = createDebug('nettwin:dind');

/** The external client's name in steps (resolveAddress, lastSeenSource). */
const EXTERNAL = 'external';
/** resolveAddress's word for the neighbour (the model's NEIGHBOUR_NAME). */
const NEIGHBOUR = 'neighbour';

export interface DindBackendOptions {
  session?: DindSession;
}

export function createDindBackend(options: DindBackendOptions = {}): DindBackend {
  return new DindBackend(options.session ?? sharedDindSession());
}

export class DindBackend implements Backend {
  readonly name = 'dind' as const;
  private host?: StartedDindHost;
  private dockerVersion = DEFAULT_DOCKER_VERSION;
  /** The scenario's networks and containers on the host (dind-endpoints.ts). */
  private readonly endpoints = new DindEndpoints({
    host: () => this.dindHost(),
    dockerVersion: () => this.dockerVersion,
    workloadImage: () => this.workloadImage,
    // From now on the steps read and zero ip6tables too.
    ipv6Used: () => {
      this.hostFirewall().ipv6 = true;
    },
  });
  /** Set once a standalone host was built: its interfaces and namespaces outlive reset(). */
  private standalone?: StandaloneHostSpec;
  /** The started host's firewall on every framework (made with the host). */
  private firewall?: DindFirewall;
  private readonly traffic = new DindTraffic({
    host: () => this.dindHost(),
    containers: this.endpoints.containers,
    resolveAddress: (n) => this.resolveAddress(n),
    standalone: () => this.standalone,
    zeroCounters: () => this.zeroCounters(),
  });

  constructor(readonly session: DindSession) {}

  /** The started host; steps that need one before `startHost` get a clear error. */
  dindHost(): StartedDindHost {
    if (!this.host)
      throw new Error(
        'No Docker host started yet: a scenario must start a host first (Given a Docker … host)',
      );
    return this.host;
  }

  async startHost(options: HostOptions): Promise<void> {
    if (this.host) await this.session.release(this.host);
    this.endpoints.containers.clear();
    this.host = await this.session.acquire({
      dockerVersion: options.dockerVersion,
      daemonOptions: options.daemonOptions,
      ...(options.hostFirewall ? { hostFirewall: options.hostFirewall } : {}),
      ...(options.ipv6 ? { ipv6: true } : {}),
    });
    this.dockerVersion = options.dockerVersion;
    this.endpoints.ipv6Networks.clear();
    this.firewall = new DindFirewall(this.host);
    await this.host.ensureImage(this.session.config.workloadImage);
    // docker0's routes are the daemon's, made without quickack; a reset put the FIN
    // timeout back to the kernel's (src/dind/quickack.ts).
    await this.host.run(hostDeterministicTcpArgv());
  }

  createNetwork(o: NetworkOptions): Promise<NetworkInfo> {
    return this.endpoints.createNetwork(o);
  }

  removeNetwork(name: string): Promise<void> {
    return this.endpoints.removeNetwork(name);
  }

  /** The image every workload container runs. */
  get workloadImage(): string {
    return this.session.config.workloadImage;
  }

  /** Whether the host runs compose files with `docker compose` (dind-compose.ts). */
  runsCompose(): Promise<boolean> {
    return hostRunsCompose(this.dindHost());
  }

  /** `docker compose up -d` of a plan on the host (dind-compose.ts). */
  composeUp(plan: ComposePlan): Promise<HostComposeUp> {
    return composeUpOnDind(this, plan);
  }

  runContainer(o: ContainerOptions): Promise<ContainerInfo> {
    return this.endpoints.runContainer(o);
  }

  /** A container started on the host by runContainer or `docker compose up` (dind-endpoints.ts). */
  adoptContainer(o: ContainerOptions, id: string, networks: string[]): Promise<ContainerInfo> {
    return this.endpoints.adoptContainer(o, id, networks);
  }

  removeContainer(name: string): Promise<void> {
    return this.endpoints.removeContainer(name);
  }

  restartContainer(name: string): Promise<void> {
    return this.endpoints.restartContainer(name);
  }

  startContainer(name: string): Promise<void> {
    return this.endpoints.startContainer(name);
  }

  stopContainer(name: string): Promise<void> {
    return this.endpoints.stopContainer(name);
  }

  connectNetwork(network: string, container: string, endpoint?: EndpointOptions): Promise<ContainerInfo> {
    return this.endpoints.connectNetwork(network, container, endpoint);
  }

  disconnectNetwork(network: string, container: string): Promise<ContainerInfo> {
    return this.endpoints.disconnectNetwork(network, container);
  }

  /**
   * Restart the inner dockerd with its state kept (the entrypoint's loop starts it
   * again while /run/nettwin-restart exists). Containers are stopped first with no
   * grace period: dockerd would stop them the same way, after waiting 10 s for a
   * PID 1 that ignores SIGTERM.
   */
  async restartDaemon(): Promise<void> {
    const host = this.dindHost();
    // Containers first (dockerd would give each 10 s to stop), then the restart that
    // docker/common/reset.sh and the host's entrypoint agree on: it keeps the daemon's state.
    const script = [
      'ids=$(docker ps -q)',
      'if [ -n "$ids" ]; then docker stop -t 0 $ids >/dev/null || { echo "docker stop failed" >&2; exit 3; }; fi',
      'nettwin-reset restart',
    ].join('\n');
    await host.run(['sh', '-c', script]);
    // The daemon made docker0 anew: its routes lack quickack again (src/dind/quickack.ts).
    await host.run(hostQuickAckArgv());
  }

  async hostCommand(command: string | string[], options: HostCommandOptions = {}): Promise<ExecResult> {
    const host = this.dindHost();
    // A firewalld reload is over when Docker has restored its part (src/dind/firewalld-reload.ts):
    // the state the twin's model predicts, else the state before the reload.
    const reload = reloadsFirewalld(command);
    const target = options.firewallSettled;
    const beforeReload = reload && !target ? await dockerFirewallState(host) : undefined;
    const result = await host.exec(command);
    if (reload && result.exitCode === 0) {
      if (target) await settleFirewallTo(() => this.readRuleset(), target);
      else if (beforeReload !== undefined) await settleAfterFirewalldReload(host, beforeReload);
    }
    // The command may have made routes (ip route, ip addr, docker network create): they
    // get quickack 1 like the host's others (src/dind/quickack.ts). A route the script
    // cannot restate (a multipath route spans lines) keeps its timers: logged, not fatal.
    const quickAck = await host.exec(hostQuickAckArgv());
    if (quickAck.exitCode !== 0) {
      log('quickack after host command %o: exit %d %s', command, quickAck.exitCode, quickAck.stderr.trim());
    }
    return result;
  }

  /** `ip route replace CIDR via <host eth0>` on the external client (its namespace in the DinD host). */
  async routeViaHost(cidr: string): Promise<void> {
    const host = this.dindHost();
    const argv = routeViaHostArgv(cidr, host.address);
    const r = await host.execOn('client', argv);
    if (r.exitCode !== 0) {
      throw new DindExecError(
        host.name,
        `${argv.join(' ')} on the external client`,
        r.exitCode,
        r.stdout,
        r.stderr,
      );
    }
  }

  async killDockerProxy(hostPort?: number): Promise<void> {
    await this.dindHost().killDockerProxy(hostPort);
  }

  /** The host's firewall I/O; throws like dindHost() before a host started. */
  private hostFirewall(): DindFirewall {
    this.dindHost();
    if (!this.firewall) throw new Error('the DinD host has no firewall reader: start the host first');
    return this.firewall;
  }

  zeroCounters(): Promise<void> {
    return this.hostFirewall().zero();
  }

  readRuleset(): Promise<HostFirewallState> {
    return this.hostFirewall().read();
  }

  readCounters(): Promise<HostCounters> {
    return this.hostFirewall().counters();
  }

  /** Zero every framework's counters, send, and read what the step counted. */
  private async observe<R>(send: () => Promise<R>): Promise<Observation<R>> {
    await this.zeroCounters();
    const outcome = await send();
    return { outcome, counters: await this.readCounters() };
  }

  /** Run argv as an actor: in a container, on the host, or on the outer client. */
  execAs(from: Actor, argv: string[]): Promise<ExecResult> {
    return this.traffic.execAs(from, argv);
  }

  ping(from: Actor, to: string, count: number): Promise<Observation<PingResult>> {
    return this.observe(() => this.traffic.ping(from, to, count));
  }

  /** Ping by name from inside the container: its own resolver decides. */
  pingByName(from: Actor, name: string, count: number, family?: 'ipv6'): Promise<Observation<PingResult>> {
    return this.observe(() => this.traffic.pingByName(from, name, count, family));
  }

  pingFromAddress(from: string, to: string, count: number): Promise<Observation<PingResult>> {
    return this.observe(() => this.traffic.pingFromAddress(from, to, count));
  }

  httpGet(from: Actor, url: string): Promise<Observation<RequestResult>> {
    return this.observe(() => this.traffic.httpGet(from, url));
  }

  tcpSend(
    from: Actor,
    to: string,
    port: number,
    payload: string,
  ): Promise<Observation<RequestResult & { seenSource?: string }>> {
    return this.observe(() => this.traffic.tcpSend(from, to, port, payload));
  }

  udpSend(from: Actor, to: string, port: number, payload: string): Promise<Observation<DatagramResult>> {
    return this.observe(() => this.traffic.udpSend(from, to, port, payload));
  }

  /**
   * A host from a dump or a router description: the dump goes in with iptables-restore,
   * interfaces become bridges or veth pairs; neighbours are made on first use.
   */
  async loadStandaloneHost(spec: StandaloneHostSpec): Promise<void> {
    if (!this.host) await this.startHost({ dockerVersion: DEFAULT_DOCKER_VERSION, daemonOptions: [] });
    this.standalone = spec;
    await restoreStandaloneHost(this.dindHost(), spec);
    await this.zeroCounters();
  }

  async lastSeenSource(container: string): Promise<string | undefined> {
    const address = await this.resolveAddress(container);
    return this.endpoints.lastSeenSource(container, address, container === EXTERNAL);
  }

  listeners(): Promise<Listener[]> {
    return this.dindHost().listeners();
  }

  interfaces(): Promise<HostInterface[]> {
    return this.dindHost().interfaces();
  }

  async resolveAddress(nameOrAddress: string): Promise<string> {
    if (IPV4.test(nameOrAddress) || isIPv6(nameOrAddress)) return nameOrAddress;
    if (nameOrAddress === EXTERNAL) return machineAddress(this.session.config, 'client');
    if (nameOrAddress === NEIGHBOUR) {
      // What reaches it needs its route back via the host (unmasqueraded replies): dind-traffic.ts.
      await this.traffic.routeNeighbourViaHost();
      return machineAddress(this.session.config, 'neighbour');
    }
    if (nameOrAddress === 'host') return this.dindHost().address;
    const address = await this.endpoints.addressOf(nameOrAddress);
    if (address) return address;
    throw new Error(
      `Cannot resolve "${nameOrAddress}" on DinD host "${this.dindHost().name}": not an address, a container with an address, or a network`,
    );
  }

  async dispose(): Promise<void> {
    const host = this.host;
    this.host = undefined;
    this.endpoints.containers.clear();
    const reusable = this.standalone === undefined;
    this.standalone = undefined;
    if (host) await this.session.release(host, { reusable });
  }
}
