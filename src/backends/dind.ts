/**
 * The dind backend: every step on a real Docker-in-Docker host (src/dind). Containers
 * run the workload image in the inner daemon; 'external' is the client namespace of
 * the host's own outside world (src/dind/outside-world.ts), 'host' execs on the DinD
 * host itself.
 */

import createDebug from 'debug';
import { DindExecError } from '../dind/errors.ts';
import { DindFirewall } from '../dind/firewall-io.ts';
import {
  dockerFirewallState,
  reloadsFirewalld,
  settleAfterFirewalldReload,
  settleFirewallTo,
} from '../dind/firewalld-reload.ts';
import { machineAddress } from '../dind/outside-world.ts';
import { OUTSIDE_IPV6 } from '../dind/outside-world-ipv6.ts';
import { parseConntrack, seenSourceFor } from '../dind/parse/conntrack.ts';
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
import { containerAddress, containerAddress6, prepareNamespace } from './dind-containers.ts';
import { warmIpv6Neighbours } from './dind-ipv6-neighbours.ts';
import {
  hasEndpointSysctls,
  quietConnectedEndpoint,
  quietIpv6ConnectArgs,
  quietIpv6RunArgs,
  settleIpv6Endpoint,
} from './dind-ipv6-quiet.ts';
import { bridgeAddress, IPAM_TEMPLATE, networkCreateArgs, parseIpamConfigs } from './dind-networks.ts';
import { restoreStandaloneHost } from './dind-standalone.ts';
import { DindTraffic, IPV4, routeViaHostArgv, type StartedContainer } from './dind-traffic.ts';
import { publishArg, workloadCommand } from './dind-workload.ts';

export { curlOutcome, netcatOutcome } from './dind-outcomes.ts';
export { workloadCommand } from './dind-workload.ts';

const log = createDebug('nettwin:dind');

export const EXTERNAL = 'external';
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
  /** Networks created with IPv6: their containers get the quiet endpoint sysctls and warm neighbours. */
  private readonly ipv6Networks = new Map<string, { name: string; bridge: string; gateway6?: string }>();
  private readonly containers = new Map<string, StartedContainer>();
  /** Set once a standalone host was built: its interfaces and namespaces outlive reset(). */
  private standalone?: StandaloneHostSpec;
  /** The started host's firewall on every framework (made with the host). */
  private firewall?: DindFirewall;
  private readonly traffic = new DindTraffic({
    host: () => this.dindHost(),
    containers: this.containers,
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
    this.containers.clear();
    this.host = await this.session.acquire({
      dockerVersion: options.dockerVersion,
      daemonOptions: options.daemonOptions,
      ...(options.hostFirewall ? { hostFirewall: options.hostFirewall } : {}),
      ...(options.ipv6 ? { ipv6: true } : {}),
    });
    this.dockerVersion = options.dockerVersion;
    this.ipv6Networks.clear();
    this.firewall = new DindFirewall(this.host);
    await this.host.ensureImage(this.session.config.workloadImage);
    // docker0's routes are the daemon's, made without quickack; a reset put the FIN
    // timeout back to the kernel's (src/dind/quickack.ts).
    await this.host.run(hostDeterministicTcpArgv());
  }

  async createNetwork(o: NetworkOptions): Promise<NetworkInfo> {
    const host = this.dindHost();
    const id = await host.dockerOrThrow(networkCreateArgs(o, this.dockerVersion));
    const ipam = parseIpamConfigs(
      await host.dockerOrThrow(['network', 'inspect', '-f', IPAM_TEMPLATE, o.name]),
    );
    // From now on the steps read and zero ip6tables too.
    if (o.ipv6) this.hostFirewall().ipv6 = true;
    const bridge = await host.bridgeName(o.name);
    // The new bridge's routes (docker-proxy and the host's own requests use them).
    await host.run(hostQuickAckArgv());
    // With --subnet but no --gateway, Docker picks the gateway without recording it in
    // the IPAM config: the bridge's own address (of that family) is the answer.
    const gateway = ipam.gateway || ((await bridgeAddress(host, bridge, 'ipv4')) ?? '');
    const { subnet6 } = ipam;
    const gateway6 = subnet6 ? (ipam.gateway6 ?? (await bridgeAddress(host, bridge, 'ipv6'))) : undefined;
    if (o.ipv6) this.ipv6Networks.set(o.name, { name: o.name, bridge, ...(gateway6 ? { gateway6 } : {}) });
    return {
      name: o.name,
      id,
      bridge,
      subnet: ipam.subnet,
      gateway,
      ...(subnet6 ? { subnet6 } : {}),
      ...(gateway6 ? { gateway6 } : {}),
    };
  }

  async removeNetwork(name: string): Promise<void> {
    await this.dindHost().dockerOrThrow(['network', 'rm', name]);
  }

  async runContainer(o: ContainerOptions): Promise<ContainerInfo> {
    const host = this.dindHost();
    const args = ['run', '-d', '--name', o.name];
    if (o.network) {
      if (this.ipv6Networks.has(o.network)) args.push(...quietIpv6RunArgs(o.network, this.dockerVersion));
      else args.push('--network', o.network);
    }
    if (o.ip) args.push('--ip', o.ip);
    for (const alias of o.aliases ?? []) args.push('--network-alias', alias);
    for (const p of o.publish ?? []) args.push('-p', publishArg(p));
    args.push(this.session.config.workloadImage, ...workloadCommand(o));
    const id = await host.dockerOrThrow(args);
    const network = o.network ?? 'bridge';
    const networks = ['host', 'none'].includes(network) || network.startsWith('container:') ? [] : [network];
    const address = await this.containerAddress(o.name, networks);
    const address6 = networks.some((n) => this.ipv6Networks.has(n))
      ? await containerAddress6(host, o.name, networks)
      : undefined;
    this.containers.set(o.name, { options: o, id, networks, ...(address ? { address } : {}) });
    await this.prepareNamespace(o);
    return { name: o.name, id, network, ...(address ? { address } : {}), ...(address6 ? { address6 } : {}) };
  }

  /** Quick ACKs and bound servers in the container's namespace (dind-containers.ts). */
  private async prepareNamespace(o: ContainerOptions): Promise<void> {
    const started = this.containers.get(o.name);
    await prepareNamespace(this.dindHost(), o, started);
    const networks6 = (started?.networks ?? []).filter((n) => this.ipv6Networks.has(n));
    // Before Docker 27, DAD's probe and reports go out after the start (dind-ipv6-quiet.ts).
    if (networks6.length > 0) await settleIpv6Endpoint(this.dindHost(), o.name);
    // IPv6 neighbours permanent on its IPv6 networks (dind-ipv6-neighbours.ts).
    for (const network of networks6) {
      const v6 = this.ipv6Networks.get(network);
      if (!v6) continue;
      const members = [...this.containers].filter(([, c]) => c.networks.includes(network)).map(([n]) => n);
      await warmIpv6Neighbours(this.dindHost(), v6, members);
    }
  }

  private containerAddress(name: string, networks: readonly string[]): Promise<string | undefined> {
    return containerAddress(this.dindHost(), name, networks);
  }

  async removeContainer(name: string): Promise<void> {
    await this.dindHost().dockerOrThrow(['rm', '-f', name]);
    this.containers.delete(name);
  }

  async restartContainer(name: string): Promise<void> {
    // sleep as PID 1 ignores SIGTERM: do not wait the default 10 s for it.
    await this.dindHost().dockerOrThrow(['restart', '-t', '0', name]);
    // A restarted container has a new namespace, without the quickack routes.
    const started = this.containers.get(name);
    if (started) {
      const address = await this.containerAddress(name, started.networks);
      if (address) started.address = address;
      await this.prepareNamespace(started.options);
    }
  }

  async startContainer(name: string): Promise<void> {
    await this.dindHost().dockerOrThrow(['start', name]);
    const started = this.containers.get(name);
    if (started) {
      const address = await this.containerAddress(name, started.networks);
      if (address) started.address = address;
      else delete started.address;
      await this.prepareNamespace(started.options);
    }
  }

  async stopContainer(name: string): Promise<void> {
    // sleep as PID 1 ignores SIGTERM: do not wait the default 10 s for it.
    await this.dindHost().dockerOrThrow(['stop', '-t', '0', name]);
  }

  async connectNetwork(
    network: string,
    container: string,
    endpoint?: EndpointOptions,
  ): Promise<ContainerInfo> {
    const args = ['network', 'connect'];
    if (endpoint?.ip) args.push('--ip', endpoint.ip);
    for (const alias of endpoint?.aliases ?? []) args.push('--alias', alias);
    const ipv6 = this.ipv6Networks.has(network);
    if (ipv6) args.push(...quietIpv6ConnectArgs(this.dockerVersion));
    await this.dindHost().dockerOrThrow([...args, network, container]);
    if (ipv6 && !hasEndpointSysctls(this.dockerVersion))
      await quietConnectedEndpoint(this.dindHost(), container);
    const started = this.containers.get(container);
    if (started && !started.networks.includes(network)) started.networks.push(network);
    return this.attached(container);
  }

  async disconnectNetwork(network: string, container: string): Promise<ContainerInfo> {
    await this.dindHost().dockerOrThrow(['network', 'disconnect', network, container]);
    const started = this.containers.get(container);
    if (started) started.networks = started.networks.filter((n) => n !== network);
    return this.attached(container);
  }

  /** After a connect or disconnect: the address now, and quickack on the routes it brought. */
  private async attached(name: string): Promise<ContainerInfo> {
    const started = this.containers.get(name);
    const address = await this.containerAddress(name, started?.networks ?? []);
    if (started) {
      if (address) started.address = address;
      else delete started.address;
      await this.prepareNamespace(started.options);
    }
    const network = started?.options.network ?? 'bridge';
    return { name, id: started?.id ?? '', network, ...(address ? { address } : {}) };
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
    const r = await this.dindHost().exec(['conntrack', '-L']);
    const entries = parseConntrack(r.stdout);
    // Its IPv6 addresses too, where it has them: the external client's fd70::9 once IPv6
    // networks send to it (NAT66), a container's own on its IPv6 networks.
    const receivers = [address];
    let ipv6 = false;
    if (container === EXTERNAL && this.ipv6Networks.size > 0) {
      receivers.push(OUTSIDE_IPV6.client);
      ipv6 = true;
    }
    const networks6 = (this.containers.get(container)?.networks ?? []).filter((n) =>
      this.ipv6Networks.has(n),
    );
    if (networks6.length > 0) {
      const address6 = await containerAddress6(this.dindHost(), container, networks6);
      if (address6) receivers.push(address6);
      ipv6 = true;
    }
    if (!ipv6) return seenSourceFor(entries, address);
    const r6 = await this.dindHost().exec(['conntrack', '-L', '-f', 'ipv6']);
    return seenSourceFor([...entries, ...parseConntrack(r6.stdout)], receivers);
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
    const host = this.dindHost();
    const known = this.containers.get(nameOrAddress);
    if (known) {
      const address = await this.containerAddress(nameOrAddress, known.networks);
      if (address) return address;
    }
    const container = await host.docker([
      'inspect',
      '-f',
      '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}',
      nameOrAddress,
    ]);
    const address = container.stdout
      .split(' ')
      .find((a) => IPV4.test(a.trim()))
      ?.trim();
    if (container.exitCode === 0 && address) return address;
    const network = await host.docker([
      'network',
      'inspect',
      '-f',
      '{{range .IPAM.Config}}{{.Gateway}}{{end}}',
      nameOrAddress,
    ]);
    if (network.exitCode === 0 && IPV4.test(network.stdout.trim())) return network.stdout.trim();
    throw new Error(
      `Cannot resolve "${nameOrAddress}" on DinD host "${host.name}": not an address, a container with an address, or a network`,
    );
  }

  async dispose(): Promise<void> {
    const host = this.host;
    this.host = undefined;
    this.containers.clear();
    const reusable = this.standalone === undefined;
    this.standalone = undefined;
    if (host) await this.session.release(host, { reusable });
  }
}
