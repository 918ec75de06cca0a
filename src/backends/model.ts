/**
 * The model backend: the embedded twin. Docker's control plane is DockerDaemonModel
 * (src/docker), traffic is runFlow (src/netfilter/path) over the daemon's live host
 * state. No Docker, no I/O: a scenario runs in milliseconds.
 *
 * The world around the DinD host is fixed as on the real hosts (src/dind/outside-world.ts):
 * the host is 192.168.70.6/24 on eth0 with no default route (its LAN leads nowhere),
 * and the external client is the neighbour 192.168.70.9 on eth0.
 */

import debug from 'debug';
import { parse as parseShell } from 'shell-quote';
import { countersOf } from '../compare/counter-deltas.ts';
import { DockerDaemonModel } from '../docker/daemon-model.ts';
import type { FlowResult, FlowSpec, HostInterface, HostState, Listener } from '../netfilter/host-types.ts';
import { runIptables } from '../netfilter/iptables/index.ts';
import { runNft } from '../netfilter/nft/command.ts';
import { parseNftRuleset } from '../netfilter/nft/parse.ts';
import type { NftRuleset } from '../netfilter/nft/types.ts';
import { runFlow } from '../netfilter/path/index.ts';
import { isIPv4, parseIPv4 } from '../netfilter/path/ipv4.ts';
import { RoutingTable } from '../netfilter/path/routing.ts';
import {
  cloneRuleset,
  emptyRuleset,
  parseRuleset,
  serializeRuleset,
  zeroCounters,
} from '../netfilter/ruleset/index.ts';
import type { CounterDelta, Ruleset } from '../netfilter/types.ts';
import type {
  Actor,
  Backend,
  ContainerInfo,
  ContainerOptions,
  DatagramResult,
  ExecResult,
  HostOptions,
  NetworkInfo,
  NetworkOptions,
  PingResult,
  RequestResult,
  StandaloneHostSpec,
} from './backend.ts';
import { type InsideContainer, insideContainer } from './model-container-net.ts';
import {
  CLIENT_WAIT_SECONDS,
  curlGetRequestBytes,
  DEFAULT_SYN_LINEAR_TIMEOUTS,
  NETTWIN_TRAFFIC,
  ncPayloadBytes,
  synAttemptsWithin,
  type TrafficProfile,
} from './model-http.ts';

const log = debug('nettwin:model');

export const DIND_HOST_ADDRESS = '192.168.70.6';
export const DIND_HOST_PREFIX = 24;
export const EXTERNAL_CLIENT_ADDRESS = '192.168.70.9';
export const EXTERNAL_CLIENT_NAME = 'external';

/**
 * What the backend needs of DockerDaemonModel (docs/ARCHITECTURE.md "docker model").
 * Kept structural so the backend only depends on the documented surface.
 */
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
  connect?(network: string, container: string, ip?: string): void;
  /** `docker network disconnect NETWORK CONTAINER`. */
  disconnect?(network: string, container: string): void;
  /** The container as `docker inspect` shows it now (address on its first network). */
  inspectContainer?(name: string): ContainerInfo;
  /** The address a container's routing picks to send to `dst` (several networks: not always its first). */
  sourceAddress?(name: string, dst: string): string | undefined;
  /** `systemctl restart docker` (containers without a restart policy stay stopped). */
  restartDaemon?(): void;
  /** Docker's embedded DNS: the address `from` gets for `name`, if any. */
  resolveName(from: string, name: string): string | undefined;
  iptables(argv: string[]): ExecResult;
  sysctl(key: string, value: string): void;
  killDockerProxy(hostPort?: number): void;
  learnBridgeName(network: string, bridge: string): void;
  /** The real host's id for a network (twin): the model's own stands in until then. */
  learnNetworkId?(network: string, id: string): void;
  learnDnsPorts(tcp: number, udp: number): void;
  host(): HostState;
  ruleset(): Ruleset;
}

export interface DaemonModelFactory {
  start(options: {
    version: string;
    daemonOptions?: string[];
    uplink?: HostInterface;
    defaultVia?: string;
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
}

export class ModelBackendError extends Error {
  override name = 'ModelBackendError';
}

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
  /** iptables-legacy's tables (hostCommand `iptables-legacy …`): Docker's model never sees them. */
  private legacyRuleset: Ruleset | undefined;
  /** Native nft tables (hostCommand `nft …`, or a snapshot's): walked by priority beside iptables'. */
  private nftRuleset: NftRuleset | undefined;

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
    if (this.legacyRuleset) state.legacyRuleset = this.legacyRuleset;
    if (this.nftRuleset) state.nftRuleset = this.nftRuleset;
    if (this.host.kind === 'docker' && !state.neighbours.some((n) => n.address === this.external)) {
      // The outer client: a machine beside the DinD host on eth0, answering ping only.
      // Its only routes: the LAN, and what a step routed via the host (no default route:
      // the LAN leads nowhere), so a packet for a container subnet fails inside it unless routed.
      state.neighbours.push({
        name: EXTERNAL_CLIENT_NAME,
        address: this.external,
        dev: 'eth0',
        listeners: [],
        reaches: [`${lanOf(this.external)}`, ...this.externalRoutes],
      });
    }
    return state;
  }

  setSynLinearTimeouts(value: number): void {
    this.synLinearTimeouts = value;
  }

  /** SYNs an unanswered client sends before it gives up. */
  private connectAttempts(): number {
    return synAttemptsWithin(CLIENT_WAIT_SECONDS, this.synLinearTimeouts);
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
      uplink: {
        name: 'eth0',
        kind: 'ether',
        addresses: [{ address: DIND_HOST_ADDRESS, prefix: DIND_HOST_PREFIX }],
        up: true,
      },
      baseline: this.options.baseline ?? 'bare',
    });
    this.host = { kind: 'docker', daemon };
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
    const ruleset = spec.rulesetText.trim()
      ? parseRuleset(spec.rulesetText, spec.file ? { file: spec.file } : {})
      : emptyRuleset(['filter', 'nat']);
    this.host = {
      kind: 'standalone',
      state: {
        ruleset,
        interfaces: spec.interfaces,
        routes: spec.routes,
        sysctls: { ...spec.sysctls },
        listeners: [],
        neighbours: spec.neighbours,
        // Loaded with iptables-restore: the filter built-ins it names exist and count
        // even when empty; other tables' only once they hold rules (measured on a DinD
        // host: after restoring an empty dump, a ping counts filter INPUT, not nat PREROUTING).
        nftLazyBuiltinChains: true,
        materializedBuiltins: restoredBuiltins(ruleset),
        ...(spec.nftRulesetText
          ? {
              nftRuleset: parseNftRuleset(spec.nftRulesetText, {
                file: `${spec.file ?? 'snapshot'} (nftables)`,
              }),
            }
          : {}),
      },
    };
  }

  async createNetwork(options: NetworkOptions): Promise<NetworkInfo> {
    const info = this.daemon().createNetwork(options);
    this.networks.set(info.name, info);
    return info;
  }

  async removeNetwork(name: string): Promise<void> {
    this.daemon().removeNetwork(name);
    this.networks.delete(name);
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

  async connectNetwork(network: string, container: string): Promise<ContainerInfo> {
    const daemon = this.daemon();
    if (!daemon.connect) throw new ModelBackendError('this daemon model cannot connect a container');
    daemon.connect(network, container);
    return this.refreshContainer(container);
  }

  async disconnectNetwork(network: string, container: string): Promise<ContainerInfo> {
    const daemon = this.daemon();
    if (!daemon.disconnect) throw new ModelBackendError('this daemon model cannot disconnect a container');
    daemon.disconnect(network, container);
    return this.refreshContainer(container);
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

  async hostCommand(line: string | string[]): Promise<ExecResult> {
    const argv = typeof line === 'string' ? splitCommand(line) : [...line];
    const [command, ...args] = argv;
    if (command === undefined) return { exitCode: 0, stdout: '', stderr: '' };
    if (command === 'iptables') return this.iptables(argv);
    if (command === 'iptables-save') return this.iptablesSave(args);
    if (command === 'iptables-legacy') return this.iptablesLegacy(argv);
    if (command === 'iptables-legacy-save') return this.iptablesLegacySave(args);
    if (command === 'sysctl') return this.sysctl(args);
    if (command === 'nft') return this.nft(args);
    return { exitCode: 127, stdout: '', stderr: uninterpretedHostCommand(command) };
  }

  /** `nft …` on the host's native tables (a snapshot's, if it brought some). */
  private nft(args: string[]): ExecResult {
    const state = this.hostState();
    this.nftRuleset ??= state.nftRuleset ?? { tables: [] };
    state.nftRuleset = this.nftRuleset;
    return runNft(this.nftRuleset, args);
  }

  private iptables(argv: string[]): ExecResult {
    if (this.host?.kind === 'docker') return this.host.daemon.iptables(argv);
    return runIptables(this.hostState().ruleset, argv);
  }

  private iptablesSave(args: string[]): ExecResult {
    const counters = args.includes('-c') || args.includes('--counters');
    return { exitCode: 0, stdout: serializeRuleset(this.hostState().ruleset, { counters }), stderr: '' };
  }

  /**
   * The other backend's rules (HostState.legacyRuleset): the packet path walks them
   * after nft's at the same hooks; Docker never sees or rewrites them.
   */
  private iptablesLegacy(argv: string[]): ExecResult {
    this.hostState();
    this.legacyRuleset ??= { tables: [] };
    return runIptables(this.legacyRuleset, argv);
  }

  private iptablesLegacySave(args: string[]): ExecResult {
    const counters = args.includes('-c') || args.includes('--counters');
    const ruleset = this.legacyRuleset;
    return { exitCode: 0, stdout: ruleset ? serializeRuleset(ruleset, { counters }) : '', stderr: '' };
  }

  /** `sysctl -w key=value` (and `sysctl key` to read), with procps' messages. */
  private sysctl(args: string[]): ExecResult {
    const write = args[0] === '-w';
    const settings = write ? args.slice(1) : args.filter((a) => !a.startsWith('-'));
    let stdout = '';
    let stderr = '';
    let exitCode = 0;
    for (const setting of settings) {
      const eq = setting.indexOf('=');
      if (write && eq < 0) {
        stderr += `sysctl: "${setting}" must be of the form name=value\n`;
        exitCode = 255;
        continue;
      }
      const key = (write ? setting.slice(0, eq) : setting).replace(/\//g, '.');
      if (!/^net\.(ipv4|ipv6|bridge|core|netfilter)\.[\w.-]+$/.test(key)) {
        stderr += `sysctl: cannot stat /proc/sys/${key.replace(/\./g, '/')}: No such file or directory\n`;
        exitCode = 255;
        continue;
      }
      if (write) {
        const value = setting.slice(eq + 1);
        if (this.host?.kind === 'docker') this.host.daemon.sysctl(key, value);
        else this.hostState().sysctls[key] = value;
        stdout += `${key} = ${value}\n`;
      } else {
        stdout += `${key} = ${this.hostState().sysctls[key] ?? '0'}\n`;
      }
    }
    return { exitCode, stdout, stderr };
  }

  async routeViaHost(cidr: string): Promise<void> {
    this.daemon();
    if (!this.externalRoutes.includes(cidr)) this.externalRoutes.push(cidr);
  }

  async killDockerProxy(hostPort?: number): Promise<void> {
    this.daemon().killDockerProxy(hostPort);
  }

  async zeroCounters(): Promise<void> {
    zeroCounters(this.hostState().ruleset);
  }

  async readRuleset(): Promise<Ruleset> {
    return cloneRuleset(this.hostState().ruleset);
  }

  async readCounters(): Promise<CounterDelta[]> {
    return countersOf(this.hostState().ruleset);
  }

  async ping(from: Actor, to: string, count: number): Promise<PingResult> {
    const dst = await this.resolveAddress(to);
    const inside = this.staysInContainer(from, dst);
    if (inside) {
      this.flow = undefined;
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

  async pingByName(from: Actor, name: string, count: number): Promise<PingResult> {
    const address = from.kind === 'container' ? this.daemon().resolveName(from.name, name) : undefined;
    if (address === undefined) {
      // iputils' words when no resolver knows the name.
      throw new ModelBackendError(`ping: ${name}: Name or service not known`);
    }
    return this.ping(from, address, count);
  }

  async pingFromAddress(from: string, to: string, count: number): Promise<PingResult> {
    const result = this.run({ protocol: 'icmp', from, to, count });
    return { sent: result.sent, received: result.delivered, path: result.path };
  }

  async httpGet(from: Actor, url: string): Promise<RequestResult> {
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
    if (inside === 'no network' || inside === 'no neighbour') {
      this.flow = undefined;
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
    const answering = receiver === 'host' ? server : this.containers.get(receiver ?? '');
    const body = outcome === 'ok' ? answering?.options.httpBody : undefined;
    return { outcome, ...(body !== undefined ? { body } : {}), path: result.path };
  }

  /**
   * A URL's host as the sender's resolver sees it: a container asks Docker's embedded
   * DNS (names of containers on a user-defined network it shares; nothing on the default
   * bridge), as curl in the container does. The host and the external client stand for
   * a user who looked the address up (`docker inspect`).
   */
  private async urlAddress(from: Actor, hostname: string): Promise<string> {
    if (isIPv4(hostname) || from.kind !== 'container') return this.resolveAddress(hostname);
    const address = this.daemon().resolveName(from.name, hostname);
    // curl's words (exit 6) when the resolver knows no such name.
    if (address === undefined) throw new ModelBackendError(`curl: (6) Could not resolve host: ${hostname}`);
    return address;
  }

  /** Traffic a container settles in its own namespace (model-container-net.ts); not the host's (--network host). */
  private staysInContainer(from: Actor, dst: string): InsideContainer | undefined {
    const c = from.kind === 'container' ? this.containers.get(from.name) : undefined;
    if (!c || c.options.network === 'host') return undefined;
    return insideContainer(this.hostState(), c.info.name, c.info.address !== undefined, dst);
  }

  async udpSend(from: Actor, to: string, port: number, payload: string): Promise<DatagramResult> {
    const dst = await this.resolveAddress(to);
    const inside = this.staysInContainer(from, dst);
    if (inside === 'no network' || inside === 'no neighbour') {
      this.flow = undefined;
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
    if (result.seenSource) this.seen.set(receiver, result.seenSource);
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
    return [...this.containers.values()].find(
      (c) => c.options.network === 'host' && c.options.udpListenPorts?.includes(port),
    )?.info.name;
  }

  async tcpSend(
    from: Actor,
    to: string,
    port: number,
    payload: string,
  ): Promise<RequestResult & { seenSource?: string }> {
    const dst = await this.resolveAddress(to);
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

  private traffic(): TrafficProfile {
    return this.options.traffic ?? NETTWIN_TRAFFIC;
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
    if (isIPv4(nameOrAddress)) return nameOrAddress;
    const container = this.containers.get(nameOrAddress)?.info;
    if (container?.address) return container.address;
    if (container)
      throw new ModelBackendError(`container "${nameOrAddress}" has no IPv4 address (network none?)`);
    const network = this.networks.get(nameOrAddress);
    if (network) return network.gateway;
    if (nameOrAddress === 'host') return DIND_HOST_ADDRESS;
    if (nameOrAddress === EXTERNAL_CLIENT_NAME) return this.external;
    throw new ModelBackendError(
      `cannot resolve "${nameOrAddress}": not an IPv4 address, nor a container or network of this scenario ` +
        `(known containers: ${[...this.containers.keys()].join(', ') || 'none'})`,
    );
  }

  async dispose(): Promise<void> {
    this.host = undefined;
  }

  /** Runs one flow on the live host and remembers what its receiver saw. */
  private run(spec: FlowSpec): FlowResult {
    const result = runFlow(this.hostState(), spec);
    this.flow = result;
    const receiver = finalReceiver(result.receiver);
    if (receiver && result.seenSource) this.seen.set(receiver, result.seenSource);
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

  /** The address an actor sends from; the host picks its source as the kernel does. */
  private sourceOf(actor: Actor, dst: string): string {
    if (actor.kind === 'external') return this.external;
    // A --network host container sends from the host's own namespace.
    if (actor.kind === 'container' && this.containers.get(actor.name)?.options.network !== 'host') {
      const c = this.containers.get(actor.name)?.info;
      if (!c) throw new ModelBackendError(`no container "${actor.name}" in this scenario; run it first`);
      if (!c.address)
        throw new ModelBackendError(`container "${actor.name}" has no IPv4 address to send from`);
      const daemon = this.host?.kind === 'docker' ? this.host.daemon : undefined;
      return daemon?.sourceAddress?.(actor.name, dst) ?? c.address;
    }
    const routing = new RoutingTable(this.hostState());
    const daddr = parseIPv4(dst);
    const source = routing.sourceFor(daddr, routing.lookup(daddr));
    if (source === undefined) return DIND_HOST_ADDRESS;
    return [source >>> 24, (source >>> 16) & 255, (source >>> 8) & 255, source & 255].join('.');
  }

  /**
   * The container that will answer an HTTP request to dst:port: by its address, through
   * a published port, or in the host's own network namespace (--network host).
   */
  private serverFor(dst: string, port: number): { options: ContainerOptions } | undefined {
    const all = [...this.containers.values()];
    const direct = all.find((c) => c.info.address === dst);
    if (direct) return direct;
    const published = all.find((c) =>
      c.options.publish?.some((p) => p.hostPort === port && p.protocol === 'tcp'),
    );
    if (published) return published;
    const local = new RoutingTable(this.hostState()).isLocal(parseIPv4(dst));
    return local
      ? all.find(
          (c) =>
            c.options.network === 'host' &&
            c.options.httpBody !== undefined &&
            (c.options.httpPort ?? 80) === port,
        )
      : undefined;
  }
}

/** The external client's LAN: the host's eth0 subnet, which it shares. */
function lanOf(address: string): string {
  const n = parseIPv4(address) & (~0 << (32 - DIND_HOST_PREFIX));
  return `${[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')}/${DIND_HOST_PREFIX}`;
}

function restoredBuiltins(ruleset: Ruleset): string[] {
  const filter = ruleset.tables.find((t) => t.name === 'filter');
  return (filter?.chains ?? []).filter((c) => c.policy !== undefined).map((c) => `filter/${c.name}`);
}

function outcomeOf(result: FlowResult): RequestResult['outcome'] {
  switch (result.verdict) {
    case 'delivered':
    case 'partial':
      return 'ok';
    case 'refused':
      return 'refused';
    case 'unreachable':
      return 'unreachable';
    case 'timeout':
      return 'timeout';
  }
}

/** runFlow names a proxied receiver "docker-proxy -> NAME"; the container is the last hop. */
export function finalReceiver(receiver: string | undefined): string | undefined {
  if (!receiver) return undefined;
  const hops = receiver.split(' -> ');
  return hops[hops.length - 1];
}

function splitCommand(line: string): string[] {
  const parts = parseShell(line.trim());
  return parts.map((p) => {
    if (typeof p === 'string') return p;
    throw new ModelBackendError(
      `host command "${line}": only a simple command is modelled (no pipes, redirections or globs)`,
    );
  });
}

/** The host commands hostCommand interprets (kept beside it: the message below lists them). */
export const MODEL_HOST_COMMANDS = [
  'iptables',
  'iptables-save',
  'iptables-legacy',
  'iptables-legacy-save',
  'sysctl',
  'nft',
] as const;

/**
 * A host command the model does not run is not a missing program on the host: say so,
 * list what it runs, and point docker commands at the sentences that model them.
 */
export function uninterpretedHostCommand(command: string): string {
  const docker =
    command === 'docker'
      ? ' Docker itself is driven by the steps (`nettwin steps` lists them: networks, containers, connect…).'
      : '';
  return (
    `the model backend does not interpret "${command}" on the host; it runs ${MODEL_HOST_COMMANDS.join(', ')}.` +
    `${docker} Other commands run on real hosts only (--backend dind or twin).\n`
  );
}
