/**
 * Traffic on the model host: each kind of client (iputils ping, curl, netcat over TCP
 * and UDP) as a flow through the packet path (runFlow), with the source an actor sends
 * from, the server that answers and what its receiver saw. The backend zeroes and reads
 * the counters around each (model.ts).
 */
import debug from 'debug';
import { httpPortsOf } from '../contract.ts';
import { isIPv4, isIPv6 } from '../netfilter/address/index.ts';
import type { FlowResult, FlowSpec, HostState } from '../netfilter/host-types.ts';
import { runFlow } from '../netfilter/path/index.ts';
import { formatIp, parseIp } from '../netfilter/path/ip.ts';
import { RoutingTable } from '../netfilter/path/routing.ts';
import type {
  Actor,
  ContainerInfo,
  ContainerOptions,
  DatagramResult,
  PingResult,
  RequestResult,
} from './backend.ts';
import { type InsideContainer, insideContainer } from './model-container-net.ts';
import { type DaemonModel, ModelBackendError } from './model-contract.ts';
import {
  CLIENT_WAIT_SECONDS,
  curlGetRequestBytes,
  NETTWIN_TRAFFIC,
  ncPayloadBytes,
  synAttemptsWithin,
  type TrafficProfile,
} from './model-http.ts';
import { finalReceiver, outcomeOf } from './model-outcome.ts';

const log = debug('nettwin:model');

/** The Docker host's address on eth0 (as on nettwin's DinD hosts, src/dind/outside-world.ts). */
export const DIND_HOST_ADDRESS = '192.168.70.6';
/**
 * The neighbour on eth0 (netns nettwin-neighbour on DinD hosts): a LAN machine that routes
 * the container subnets via the host (moby#45610), so it has no route of its own but the
 * LAN's and sends every other packet to the host.
 */
export const NEIGHBOUR_ADDRESS = '192.168.70.10';
export const NEIGHBOUR_NAME = 'neighbour';
/** The IPv6 addresses of a host "with IPv6" and of its external client (src/dind/outside-world-ipv6.ts). */
export const DIND_HOST_ADDRESS6 = 'fd70::6';
export const EXTERNAL_CLIENT_ADDRESS6 = 'fd70::9';
export const LAN_PREFIX6 = 64;
export const LAN6 = 'fd70::/64';

/** A URL's host as an address or name: an IPv6 literal without its brackets. */
export function urlHostAddress(urlHost: string): string {
  return /^\[[^\]]*\]$/.test(urlHost) ? urlHost.slice(1, -1) : urlHost;
}

export interface ModelContainer {
  info: ContainerInfo;
  options: ContainerOptions;
}

/** What traffic needs of the backend: the host, its containers, and where results go. */
export interface ModelScene {
  hostState(): HostState;
  /** The daemon; throws before a Docker host started. */
  daemon(): DaemonModel;
  /** The daemon of a Docker host; undefined on a standalone host. */
  dockerDaemon(): DaemonModel | undefined;
  readonly containers: ReadonlyMap<string, ModelContainer>;
  /** Receiver → the source it saw last. */
  readonly seen: Map<string, string>;
  external(): string;
  /** How the host's programs talk TCP (ModelBackendOptions.traffic). */
  trafficProfile(): TrafficProfile | undefined;
  resolveAddress(nameOrAddress: string): Promise<string>;
  setFlow(flow: FlowResult | undefined): void;
  synLinearTimeouts(): number;
}

export class ModelTraffic {
  constructor(private readonly scene: ModelScene) {}

  /** SYNs an unanswered client sends before it gives up. */
  private connectAttempts(): number {
    return synAttemptsWithin(CLIENT_WAIT_SECONDS, this.scene.synLinearTimeouts());
  }

  private traffic(): TrafficProfile {
    return this.scene.trafficProfile() ?? NETTWIN_TRAFFIC;
  }

  /**
   * Who really sends for `actor`: a container run with `--network container:OWNER`
   * (compose's `network_mode: service:NAME`) has no interface of its own and sends from
   * its owner's namespace, with the owner's addresses and resolver.
   */
  namespaceOwner(actor: Actor): Actor {
    let current = actor;
    for (let hops = 0; current.kind === 'container' && hops < 8; hops++) {
      const network = this.scene.containers.get(current.name)?.options.network;
      if (!network?.startsWith('container:')) return current;
      current = { kind: 'container', name: network.slice('container:'.length) };
    }
    return current;
  }

  async sendPing(sender: Actor, to: string, count: number): Promise<PingResult> {
    const from = this.namespaceOwner(sender);
    const dst = await this.scene.resolveAddress(to);
    const inside = this.staysInContainer(from, dst);
    if (this.externalWithoutIpv6(from, dst)) {
      this.scene.setFlow(undefined);
      return { sent: count, received: 0, unreachable: true };
    }
    if (inside) {
      this.scene.setFlow(undefined);
      log('ping from %o to %s: %s', from, dst, inside);
      if (inside === 'loopback') return { sent: count, received: count };
      // An unanswered ARP says "Destination Host Unreachable" only after 3 s: ping -W 1 is gone by then.
      return { sent: count, received: 0, ...(inside === 'no network' ? { unreachable: true } : {}) };
    }
    const result = this.run({ protocol: 'icmp', from: this.sourceOf(from, dst), to: dst, count });
    return {
      sent: result.sent,
      received: result.delivered,
      ...(result.verdict === 'unreachable' ? { unreachable: true } : {}),
      path: result.path,
    };
  }

  async sendHttpGet(sender: Actor, url: string): Promise<RequestResult> {
    const from = this.namespaceOwner(sender);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ModelBackendError(`"${url}" is not a URL (expected http://HOST[:PORT]/PATH)`);
    }
    if (parsed.protocol !== 'http:')
      throw new ModelBackendError(`only http:// URLs are modelled, got "${url}"`);
    const dst = await this.urlAddress(from, parsed.hostname);
    const port = parsed.port ? Number(parsed.port) : 80;
    const inside = this.staysInContainer(from, dst);
    if (this.externalWithoutIpv6(from, dst)) {
      // The client's namespace has no IPv6 address: "Network is unreachable" (curl exit 7).
      this.scene.setFlow(undefined);
      return { outcome: 'unreachable' };
    }
    if (inside === 'no network' || inside === 'no neighbour') {
      this.scene.setFlow(undefined);
      return { outcome: inside === 'no network' ? 'unreachable' : 'timeout' };
    }
    const server = this.serverFor(dst, port);
    const traffic = this.traffic();
    const result = this.run({
      protocol: 'tcp',
      from: this.sourceOf(from, dst),
      to: dst,
      port,
      requestBytes: curlGetRequestBytes(parsed),
      responseBytes: traffic.httpResponseBytes(server?.options.httpBody ?? ''),
      responseSegments: traffic.httpResponseSegments,
      closer: 'server',
      quickAck: traffic.quickAck,
      count: this.connectAttempts(),
    });
    const outcome = outcomeOf(result);
    const receiver = finalReceiver(result.receiver);
    // A server in the host's namespace (--network host) answers as "host".
    const answering =
      receiver === 'host' ? server : this.inNamespaceOf(this.scene.containers.get(receiver ?? ''), port);
    const body = outcome === 'ok' ? answering?.options.httpBody : undefined;
    return { outcome, ...(body !== undefined ? { body } : {}), path: result.path };
  }

  /**
   * A URL's host as the sender's resolver sees it: a container asks Docker's embedded
   * DNS (names of containers on a user-defined network it shares; nothing on the default
   * bridge), as curl in the container does. The host and the external client stand for
   * a user who looked the address up (`docker inspect`).
   */
  private async urlAddress(from: Actor, urlHost: string): Promise<string> {
    // WHATWG URL keeps an IPv6 literal's brackets in hostname: `[fd70::6]`.
    const hostname = urlHostAddress(urlHost);
    if (isIPv4(hostname) || isIPv6(hostname) || from.kind !== 'container')
      return this.scene.resolveAddress(hostname);
    const address = this.scene.daemon().resolveName(from.name, hostname);
    // curl's words (exit 6) when the resolver knows no such name.
    if (address === undefined) throw new ModelBackendError(`curl: (6) Could not resolve host: ${hostname}`);
    return address;
  }

  /** The external client has IPv6 only beside a host started "with IPv6" (outside-world-ipv6.ts). */
  private externalWithoutIpv6(from: Actor, dst: string): boolean {
    return (
      from.kind === 'external' &&
      isIPv6(dst) &&
      !this.scene.hostState().neighbours.some((n) => n.address === EXTERNAL_CLIENT_ADDRESS6)
    );
  }

  /** Traffic a container settles in its own namespace (model-container-net.ts); not the host's (--network host). */
  private staysInContainer(from: Actor, dst: string): InsideContainer | undefined {
    const c = from.kind === 'container' ? this.scene.containers.get(from.name) : undefined;
    if (!c || c.options.network === 'host') return undefined;
    return insideContainer(this.scene.hostState(), c.info.name, c.info.address !== undefined, dst);
  }

  async sendDatagram(sender: Actor, to: string, port: number, payload: string): Promise<DatagramResult> {
    const from = this.namespaceOwner(sender);
    const dst = await this.scene.resolveAddress(to);
    const inside = this.staysInContainer(from, dst);
    if (inside === 'no network' || inside === 'no neighbour') {
      this.scene.setFlow(undefined);
      return { arrived: false };
    }
    const result = this.run({
      protocol: 'udp',
      from: this.sourceOf(from, dst),
      to: dst,
      port,
      requestBytes: ncPayloadBytes(payload),
      responseBytes: 0,
      count: 1,
    });
    const receiver = this.udpReceiver(finalReceiver(result.receiver), port);
    if (result.delivered === 0 || receiver === undefined) return { arrived: false, path: result.path };
    if (result.seenSource) this.scene.seen.set(receiver, result.seenSource);
    return {
      arrived: true,
      receiver,
      ...(result.seenSource ? { seenSource: result.seenSource } : {}),
      path: result.path,
    };
  }

  /** The container whose listener got a datagram: a neighbour by name, or a --network host container. */
  private udpReceiver(receiver: string | undefined, port: number): string | undefined {
    if (receiver !== 'host') return receiver;
    return [...this.scene.containers.values()].find(
      (c) => c.options.network === 'host' && c.options.udpListenPorts?.includes(port),
    )?.info.name;
  }

  async sendTcp(
    sender: Actor,
    to: string,
    port: number,
    payload: string,
  ): Promise<RequestResult & { seenSource?: string }> {
    const from = this.namespaceOwner(sender);
    const dst = await this.scene.resolveAddress(to);
    const result = this.run({
      protocol: 'tcp',
      from: this.sourceOf(from, dst),
      to: dst,
      port,
      requestBytes: ncPayloadBytes(payload),
      responseBytes: 0,
      closer: 'client',
      quickAck: this.traffic().quickAck,
      count: this.connectAttempts(),
    });
    const outcome = outcomeOf(result);
    return {
      outcome,
      ...(outcome === 'ok' && result.seenSource ? { seenSource: result.seenSource } : {}),
      path: result.path,
    };
  }

  /** Runs one flow on the live host and remembers what its receiver saw. */
  run(spec: FlowSpec): FlowResult {
    const result = runFlow(this.withNeighbour(this.scene.hostState()), spec);
    this.scene.setFlow(result);
    const receiver = finalReceiver(result.receiver);
    if (receiver && result.seenSource) this.scene.seen.set(receiver, result.seenSource);
    log(
      'flow %o → %s (%d/%d) seen %s by %s',
      spec,
      result.verdict,
      result.delivered,
      result.sent,
      result.seenSource,
      receiver,
    );
    return result;
  }

  /**
   * A Docker host's LAN holds the neighbour beside the external client (as every DinD host's
   * does), answering ping and serving nothing; a standalone host has no such LAN.
   */
  private withNeighbour(state: HostState): HostState {
    if (this.scene.dockerDaemon() && !state.neighbours.some((n) => n.address === NEIGHBOUR_ADDRESS))
      state.neighbours.push({ name: NEIGHBOUR_NAME, address: NEIGHBOUR_ADDRESS, dev: 'eth0', listeners: [] });
    return state;
  }

  /** The address an actor sends from; the host picks its source as the kernel does. */
  private sourceOf(actor: Actor, dst: string): string {
    if (actor.kind === 'neighbour') {
      if (!this.scene.dockerDaemon())
        throw new ModelBackendError("the neighbour lives on a Docker host's LAN: start a Docker host first");
      if (!isIPv4(dst))
        throw new ModelBackendError(`the neighbour sends IPv4 only (it has no route to ${dst})`);
      return NEIGHBOUR_ADDRESS;
    }
    // The external client has an address of each family on the LAN (outside-world-ipv6.ts).
    if (actor.kind === 'external') return isIPv6(dst) ? EXTERNAL_CLIENT_ADDRESS6 : this.scene.external();
    // A --network host container sends from the host's own namespace.
    if (actor.kind === 'container' && this.scene.containers.get(actor.name)?.options.network !== 'host') {
      const c = this.scene.containers.get(actor.name)?.info;
      if (!c) throw new ModelBackendError(`no container "${actor.name}" in this scenario; run it first`);
      // An IPv6 destination: the container sends from its IPv6 address (one network: no choice to make).
      if (isIPv6(dst)) {
        if (!c.address6)
          throw new ModelBackendError(
            `container "${actor.name}" has no IPv6 address to send from (its network has no IPv6)`,
          );
        return c.address6;
      }
      if (!c.address)
        throw new ModelBackendError(`container "${actor.name}" has no IPv4 address to send from`);
      const daemon = this.scene.dockerDaemon();
      return daemon?.sourceAddress?.(actor.name, dst) ?? c.address;
    }
    const host = this.scene.hostState();
    const routing = new RoutingTable(host);
    const daddr = parseIp(dst);
    const source = routing.sourceFor(daddr, routing.lookup(daddr));
    if (source === undefined) {
      // No route: any own address will do, the packet path says "no route" (ping: "Network is unreachable").
      if (typeof daddr === 'number') return DIND_HOST_ADDRESS;
      const eth0 = host.interfaces.find((i) => i.name === 'eth0');
      if (eth0?.addresses.some((a) => a.address === DIND_HOST_ADDRESS6)) return DIND_HOST_ADDRESS6;
      throw new ModelBackendError(`the host has no IPv6 route to ${dst} to pick a source address from`);
    }
    return formatIp(source);
  }

  /**
   * The program that serves `port` in `owner`'s network namespace: owner itself, or a
   * container that joined it (`--network container:OWNER`, compose's `service:`).
   */
  private inNamespaceOf<C extends { info: ContainerInfo; options: ContainerOptions }>(
    owner: C | undefined,
    port: number,
  ): C | undefined {
    if (!owner || httpPortsOf(owner.options).includes(port)) return owner;
    const joined = [...this.scene.containers.values()].find(
      (c) => c.options.network === `container:${owner.info.name}` && httpPortsOf(c.options).includes(port),
    );
    return (joined as C | undefined) ?? owner;
  }

  /**
   * The container that will answer an HTTP request to dst:port: by its address, through
   * a published port, or in the host's own network namespace (--network host).
   */
  private serverFor(dst: string, port: number): { options: ContainerOptions } | undefined {
    const all = [...this.scene.containers.values()];
    const direct = all.find((c) => c.info.address === dst || c.info.address6 === dst);
    if (direct) return this.inNamespaceOf(direct, port);
    const published = all.find((c) =>
      c.options.publish?.some((p) => p.hostPort === port && p.protocol === 'tcp'),
    );
    if (published) return published;
    const local = new RoutingTable(this.scene.hostState()).isLocal(parseIp(dst));
    return local
      ? all.find((c) => c.options.network === 'host' && httpPortsOf(c.options).includes(port))
      : undefined;
  }
}
