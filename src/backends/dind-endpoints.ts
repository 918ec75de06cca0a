/**
 * The scenario's networks and containers on a DinD host: `docker network create/rm`,
 * `docker run/rm/start/stop/restart`, connect and disconnect, and what follows each on a
 * real kernel (the container's namespace prepared again, IPv6 endpoints kept quiet, their
 * addresses read back). Kept apart from dind.ts, which owns the host's lifecycle, its
 * firewall and traffic; this module owns the Docker objects a scenario made and where
 * they are (including the source a receiver saw, from conntrack).
 */
import { OUTSIDE_IPV6 } from '../dind/outside-world-ipv6.ts';
import { parseConntrack, seenSourceFor } from '../dind/parse/conntrack.ts';
import { hostQuickAckArgv } from '../dind/quickack.ts';
import type { StartedDindHost } from '../dind/started-dind-host.ts';
import type {
  ContainerInfo,
  ContainerOptions,
  EndpointOptions,
  NetworkInfo,
  NetworkOptions,
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
import { IPV4, type StartedContainer } from './dind-traffic.ts';
import { publishArg, workloadCommand } from './dind-workload.ts';

/** What the endpoints need of the backend (dind.ts). */
export interface DindEndpointsHost {
  host(): StartedDindHost;
  dockerVersion(): string;
  /** The image every scenario container runs (the session's config). */
  workloadImage(): string;
  /** An IPv6 network was made: from now on the steps read and zero ip6tables too. */
  ipv6Used(): void;
}

export class DindEndpoints {
  /** Networks created with IPv6: their containers get the quiet endpoint sysctls and warm neighbours. */
  readonly ipv6Networks = new Map<string, { name: string; bridge: string; gateway6?: string }>();
  readonly containers = new Map<string, StartedContainer>();

  constructor(private readonly backend: DindEndpointsHost) {}

  private host(): StartedDindHost {
    return this.backend.host();
  }

  async createNetwork(o: NetworkOptions): Promise<NetworkInfo> {
    const host = this.host();
    const id = await host.dockerOrThrow(networkCreateArgs(o, this.backend.dockerVersion()));
    const ipam = parseIpamConfigs(
      await host.dockerOrThrow(['network', 'inspect', '-f', IPAM_TEMPLATE, o.name]),
    );
    if (o.ipv6) this.backend.ipv6Used();
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
    await this.host().dockerOrThrow(['network', 'rm', name]);
  }

  async runContainer(o: ContainerOptions): Promise<ContainerInfo> {
    const host = this.host();
    const args = ['run', '-d', '--name', o.name];
    if (o.network) {
      if (this.ipv6Networks.has(o.network))
        args.push(...quietIpv6RunArgs(o.network, this.backend.dockerVersion()));
      else args.push('--network', o.network);
    }
    if (o.ip) args.push('--ip', o.ip);
    for (const alias of o.aliases ?? []) args.push('--network-alias', alias);
    for (const p of o.publish ?? []) args.push('-p', publishArg(p));
    args.push(this.backend.workloadImage(), ...workloadCommand(o));
    const id = await host.dockerOrThrow(args);
    const network = o.network ?? 'bridge';
    const networks = ['host', 'none'].includes(network) || network.startsWith('container:') ? [] : [network];
    return this.adoptContainer(o, id, networks);
  }

  /**
   * A container started on the host (by runContainer, or by `docker compose up`): its
   * address, its namespace prepared, and known to the steps that follow. `networks`: the
   * networks it is on, the one it started on first.
   */
  async adoptContainer(o: ContainerOptions, id: string, networks: string[]): Promise<ContainerInfo> {
    const host = this.host();
    const network = o.network ?? 'bridge';
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
    await prepareNamespace(this.host(), o, started);
    const networks6 = (started?.networks ?? []).filter((n) => this.ipv6Networks.has(n));
    // Before Docker 27, DAD's probe and reports go out after the start (dind-ipv6-quiet.ts).
    if (networks6.length > 0) await settleIpv6Endpoint(this.host(), o.name);
    // IPv6 neighbours permanent on its IPv6 networks (dind-ipv6-neighbours.ts).
    for (const network of networks6) {
      const v6 = this.ipv6Networks.get(network);
      if (!v6) continue;
      const members = [...this.containers].filter(([, c]) => c.networks.includes(network)).map(([n]) => n);
      await warmIpv6Neighbours(this.host(), v6, members);
    }
  }

  private containerAddress(name: string, networks: readonly string[]): Promise<string | undefined> {
    return containerAddress(this.host(), name, networks);
  }

  async removeContainer(name: string): Promise<void> {
    await this.host().dockerOrThrow(['rm', '-f', name]);
    this.containers.delete(name);
  }

  async restartContainer(name: string): Promise<void> {
    // sleep as PID 1 ignores SIGTERM: do not wait the default 10 s for it.
    await this.host().dockerOrThrow(['restart', '-t', '0', name]);
    // A restarted container has a new namespace, without the quickack routes.
    const started = this.containers.get(name);
    if (started) {
      const address = await this.containerAddress(name, started.networks);
      if (address) started.address = address;
      await this.prepareNamespace(started.options);
    }
  }

  async startContainer(name: string): Promise<void> {
    await this.host().dockerOrThrow(['start', name]);
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
    await this.host().dockerOrThrow(['stop', '-t', '0', name]);
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
    const dockerVersion = this.backend.dockerVersion();
    if (ipv6) args.push(...quietIpv6ConnectArgs(dockerVersion));
    await this.host().dockerOrThrow([...args, network, container]);
    if (ipv6 && !hasEndpointSysctls(dockerVersion)) await quietConnectedEndpoint(this.host(), container);
    const started = this.containers.get(container);
    if (started && !started.networks.includes(network)) started.networks.push(network);
    return this.attached(container);
  }

  async disconnectNetwork(network: string, container: string): Promise<ContainerInfo> {
    await this.host().dockerOrThrow(['network', 'disconnect', network, container]);
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
   * The IPv4 address of a container (the scenario's, or any the inner daemon knows) or of
   * a network's gateway; undefined when the name is neither.
   */
  async addressOf(name: string): Promise<string | undefined> {
    const host = this.host();
    const known = this.containers.get(name);
    if (known) {
      const address = await this.containerAddress(name, known.networks);
      if (address) return address;
    }
    const container = await host.docker([
      'inspect',
      '-f',
      '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}',
      name,
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
      name,
    ]);
    if (network.exitCode === 0 && IPV4.test(network.stdout.trim())) return network.stdout.trim();
    return undefined;
  }

  /**
   * The source address the receiver at `address` (`container`, or the external client
   * when `external`) saw in its last flow, from the host's conntrack table.
   */
  async lastSeenSource(container: string, address: string, external: boolean): Promise<string | undefined> {
    const r = await this.host().exec(['conntrack', '-L']);
    const entries = parseConntrack(r.stdout);
    // Its IPv6 addresses too, where it has them: the external client's fd70::9 once IPv6
    // networks send to it (NAT66), a container's own on its IPv6 networks.
    const receivers = [address];
    let ipv6 = false;
    if (external && this.ipv6Networks.size > 0) {
      receivers.push(OUTSIDE_IPV6.client);
      ipv6 = true;
    }
    const networks6 = (this.containers.get(container)?.networks ?? []).filter((n) =>
      this.ipv6Networks.has(n),
    );
    if (networks6.length > 0) {
      const address6 = await containerAddress6(this.host(), container, networks6);
      if (address6) receivers.push(address6);
      ipv6 = true;
    }
    if (!ipv6) return seenSourceFor(entries, address);
    const r6 = await this.host().exec(['conntrack', '-L', '-f', 'ipv6']);
    return seenSourceFor([...entries, ...parseConntrack(r6.stdout)], receivers);
  }
}
