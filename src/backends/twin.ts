/**
 * The twin backend: a real Docker host (the dind backend) and the model, driven step
 * by step with the same calls. After every action the observables are compared —
 * connectivity, the source a receiver saw, every rule's and policy's counter delta,
 * and the ruleset itself — and the first disagreement is a TwinMismatchError that
 * shows both sides and the model's packet path. Steps get the REAL observations (with
 * the model's path attached for the report).
 */
import debug from 'debug';
import { quote } from 'shell-quote';
import { type ConnectivityDifference, compareConnectivity } from '../compare/connectivity.ts';
import type { CounterCompareOptions } from '../compare/counter-compare.ts';
import { findDnsPorts } from '../compare/dns-ports.ts';
import { reloadsFirewalld } from '../dind/firewalld-reload.ts';
import { type HostCounters, type HostFirewallState, iptablesOf } from '../netfilter/firewall-state.ts';
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
import { createModelBackend, type ModelBackend } from './model.ts';
import { HTTP_BYTE_TOLERANCE } from './model-http.ts';
import { loadsPredictedFirewall } from './predicted-firewall.ts';
import { chainsInAnyOrder, firewallMismatch, TwinMismatchError } from './twin-mismatch.ts';
import { bothSides, defaultReal, describeActor, settle } from './twin-sides.ts';
import { datagramConnectivity, judgeTraffic } from './twin-traffic.ts';

export { renderMismatch, type TwinMismatchDetails, TwinMismatchError } from './twin-mismatch.ts';

const log = debug('nettwin:twin');

export interface TwinBackendOptions {
  /** The real side; default the dind backend (src/backends/dind.ts), loaded on first use. */
  real?: Backend | (() => Promise<Backend>);
  /** The model side; default createModelBackend(). */
  model?: ModelBackend;
  /** Compare rulesets after every control action (default true). */
  compareRulesets?: boolean;
}

export function createTwinBackend(options: TwinBackendOptions = {}): TwinBackend {
  return new TwinBackend(options);
}

export class TwinBackend implements Backend {
  readonly name = 'twin' as const;
  readonly model: ModelBackend;
  private realBackend: Promise<Backend> | undefined;

  constructor(private readonly options: TwinBackendOptions) {
    this.model = options.model ?? createModelBackend();
  }

  /** The real side (started lazily). */
  real(): Promise<Backend> {
    const r = this.options.real;
    this.realBackend ??= typeof r === 'function' ? r() : r ? Promise.resolve(r) : defaultReal();
    return this.realBackend;
  }

  /** A ping on both sides; connectivity and every counter must agree. */
  private comparePings(
    action: string,
    ping: (b: Backend) => Promise<Observation<PingResult>>,
  ): Promise<Observation<PingResult>> {
    return this.traffic(
      action,
      ping,
      (real, model) =>
        compareConnectivity(
          { sent: real.sent, received: real.received },
          { sent: model.sent, received: model.received },
        ),
      { protocol: 'icmp' },
    );
  }

  /** Both sides act; one failing alone is a mismatch, both failing rethrows the real error (twin-sides.ts). */
  private async both<R, M>(
    action: string,
    real: (b: Backend) => Promise<R>,
    model: (m: ModelBackend) => Promise<M>,
  ) {
    const backend = await this.real();
    const sides = await bothSides(action, real(backend), model(this.model));
    return { ...sides, backend };
  }

  /**
   * A Docker action on both sides, then the rules must agree (and, for `container`, the
   * address it has now).
   */
  private async control(action: string, act: (b: Backend) => Promise<unknown>, container?: string) {
    const { backend } = await this.both(action, act, act);
    if (container !== undefined) {
      const [r, m] = await Promise.all([
        backend.resolveAddress(container),
        this.model.resolveAddress(container),
      ]);
      if (r !== m) throw new TwinMismatchError({ action, other: [`address: real ${r}, model ${m}`] });
    }
    await this.checkRuleset(action, backend);
  }

  /** `alreadyRead`: the real firewall as just read, when nothing has changed it since. */
  private async checkRuleset(
    action: string,
    backend: Backend,
    alreadyRead?: HostFirewallState,
  ): Promise<void> {
    // Docker 29's rules on a real kernel: the real side takes its rules from the model
    // (predicted-rules.ts); the comparison then checks that the kernel lists them back.
    const predicted = loadsPredictedFirewall(backend);
    if (predicted)
      await backend.loadPredictedFirewall(
        await this.model.readRuleset(),
        this.model.hostState().materializedBuiltins ?? [],
      );
    if (this.options.compareRulesets === false) return;
    const [real, model] = await Promise.all([
      alreadyRead && !predicted ? alreadyRead : backend.readRuleset(),
      this.model.readRuleset(),
    ]);
    const mismatch = firewallMismatch(action, real, model);
    if (mismatch) throw mismatch;
  }

  async startHost(options: HostOptions): Promise<void> {
    const action =
      `starting a Docker ${options.dockerVersion} host ${options.daemonOptions.join(' ')}`.trim();
    const { backend } = await this.both(
      action,
      (b) => b.startHost(options),
      (m) => m.startHost(options),
    );
    // The clients' SYN retransmission schedule decides how many SYNs a timeout sends.
    const linear = await backend.hostCommand('sysctl -n net.ipv4.tcp_syn_linear_timeouts');
    this.model.setSynLinearTimeouts(linear.exitCode === 0 ? Number(linear.stdout.trim()) : 0);
    const ports = findDnsPorts(iptablesOf(await backend.readRuleset()));
    if (ports.tcp !== undefined && ports.udp !== undefined)
      this.model.daemon().learnDnsPorts(ports.tcp, ports.udp);
    log('Started twin host; embedded DNS ports %o', ports);
    // One baseline for both sides: whatever the real host counted while booting is not a step's.
    await Promise.all([backend.zeroCounters(), this.model.zeroCounters()]);
    await this.checkRuleset(action, backend);
  }

  async createNetwork(options: NetworkOptions): Promise<NetworkInfo> {
    const action = `docker network create ${options.name}`;
    const { real, model, backend } = await this.both(
      action,
      (b) => b.createNetwork(options),
      (m) => m.createNetwork(options),
    );
    // Network ids are random on the real host, and an unnamed bridge is br-<12 of the id>.
    const daemon = this.model.daemon();
    if (real.id) daemon.learnNetworkId?.(options.name, real.id);
    if (real.bridge !== model.bridge) daemon.learnBridgeName(options.name, real.bridge);
    const other: string[] = [];
    if (real.subnet !== model.subnet) other.push(`subnet: real ${real.subnet}, model ${model.subnet}`);
    if (real.gateway !== model.gateway) other.push(`gateway: real ${real.gateway}, model ${model.gateway}`);
    if (other.length > 0) throw new TwinMismatchError({ action, other });
    await this.checkRuleset(action, backend);
    return real;
  }

  async removeNetwork(name: string): Promise<void> {
    await this.control(`docker network rm ${name}`, (b) => b.removeNetwork(name));
  }

  async runContainer(options: ContainerOptions): Promise<ContainerInfo> {
    const action = `docker run --name ${options.name}${options.network ? ` --network ${options.network}` : ''}`;
    const { real, model, backend } = await this.both(
      action,
      (b) => b.runContainer(options),
      (m) => m.runContainer(options),
    );
    if (real.address !== model.address) {
      throw new TwinMismatchError({
        action,
        other: [`address: real ${real.address ?? '(none)'}, model ${model.address ?? '(none)'}`],
      });
    }
    if (real.address6 !== model.address6) {
      throw new TwinMismatchError({
        action,
        other: [`IPv6 address: real ${real.address6 ?? '(none)'}, model ${model.address6 ?? '(none)'}`],
      });
    }
    await this.checkRuleset(action, backend);
    return real;
  }

  async removeContainer(name: string): Promise<void> {
    await this.control(`docker rm -f ${name}`, (b) => b.removeContainer(name));
  }

  async restartContainer(name: string): Promise<void> {
    await this.control(`docker restart ${name}`, (b) => b.restartContainer(name), name);
  }

  async startContainer(name: string): Promise<void> {
    await this.control(`docker start ${name}`, (b) => b.startContainer(name), name);
  }

  async stopContainer(name: string): Promise<void> {
    await this.control(`docker stop ${name}`, (b) => b.stopContainer(name));
  }

  async connectNetwork(
    network: string,
    container: string,
    endpoint?: EndpointOptions,
  ): Promise<ContainerInfo> {
    return this.attachment(`docker network connect ${network} ${container}`, (b) =>
      b.connectNetwork(network, container, endpoint),
    );
  }

  async disconnectNetwork(network: string, container: string): Promise<ContainerInfo> {
    return this.attachment(`docker network disconnect ${network} ${container}`, (b) =>
      b.disconnectNetwork(network, container),
    );
  }

  /** A connect or disconnect on both sides: the container's address and the rules must agree. */
  private async attachment(
    action: string,
    act: (b: Backend) => Promise<ContainerInfo>,
  ): Promise<ContainerInfo> {
    const { real, model, backend } = await this.both(action, act, act);
    if (real.address !== model.address) {
      throw new TwinMismatchError({
        action,
        other: [`address: real ${real.address ?? '(none)'}, model ${model.address ?? '(none)'}`],
      });
    }
    await this.checkRuleset(action, backend);
    return real;
  }

  async restartDaemon(): Promise<void> {
    await this.control('restarting the Docker daemon', (b) => b.restartDaemon());
  }

  async hostCommand(command: string | string[]): Promise<ExecResult> {
    const action = `host command \`${typeof command === 'string' ? command : quote(command)}\``;
    // A firewalld reload: the model goes first, and the real host waits until Docker's
    // restore reaches the firewall the model predicts (src/dind/firewalld-reload.ts).
    const modelSide = settle(this.model.hostCommand(command));
    let options: HostCommandOptions = {};
    const reload = reloadsFirewalld(command);
    if (reload && (await modelSide).ok) {
      // In any order within a chain: Docker 28+ binds its bridges in Go map order.
      const predicted = chainsInAnyOrder(await this.model.readRuleset());
      options = {
        firewallSettled: (fw) => firewallMismatch(action, chainsInAnyOrder(fw), predicted) === undefined,
      };
    }
    const { real, model, backend } = await this.both(
      action,
      (b) => b.hostCommand(command, options),
      async () => {
        const m = await modelSide;
        if (!m.ok) throw m.error;
        return m.value;
      },
    );
    // After a reload the real firewall is read once: for the binding order, then the comparison.
    const realFirewall = reload ? await backend.readRuleset() : undefined;
    if (realFirewall) this.model.learnFirewalldRebindOrder(realFirewall);
    if (real.exitCode !== model.exitCode) {
      throw new TwinMismatchError({
        action,
        other: [
          `exit code: real ${real.exitCode} (${real.stderr.trim() || 'no message'}), model ${model.exitCode} (${
            model.stderr.trim() || 'no message'
          })`,
        ],
      });
    }
    await this.checkRuleset(action, backend, realFirewall);
    return real;
  }

  async routeViaHost(cidr: string): Promise<void> {
    await this.both(
      `the external client routing ${cidr} via the Docker host`,
      (b) => b.routeViaHost(cidr),
      (m) => m.routeViaHost(cidr),
    );
  }

  async killDockerProxy(hostPort?: number): Promise<void> {
    const action = `killing docker-proxy${hostPort ? ` for port ${hostPort}` : ''}`;
    await this.both(
      action,
      (b) => b.killDockerProxy(hostPort),
      (m) => m.killDockerProxy(hostPort),
    );
  }

  async zeroCounters(): Promise<void> {
    await this.both(
      'zeroing counters',
      (b) => b.zeroCounters(),
      (m) => m.zeroCounters(),
    );
  }

  async readRuleset(): Promise<HostFirewallState> {
    return (await this.real()).readRuleset();
  }

  /** The real host's counters (each traffic step's Observation carries both sides). */
  async readCounters(): Promise<HostCounters> {
    return (await this.real()).readCounters();
  }

  /**
   * A traffic step on both sides: outcomes and every framework's counters compared once
   * (twin-traffic.ts); the real observation comes back with the model's side filled in.
   */
  private async traffic<R extends { path?: Observation<R>['path'] }>(
    action: string,
    send: (b: Backend) => Promise<Observation<R>>,
    connectivity: (real: R, model: R) => ConnectivityDifference[],
    counterOptions: CounterCompareOptions,
  ): Promise<Observation<R>> {
    const { real, model } = await this.both(action, send, send);
    return judgeTraffic(action, { real, model, flow: this.model.lastFlow() }, connectivity, counterOptions);
  }

  async ping(from: Actor, to: string, count: number): Promise<Observation<PingResult>> {
    const action = `ping from ${describeActor(from)} to ${to} ×${count}`;
    return this.comparePings(action, (b) => b.ping(from, to, count));
  }

  async pingByName(
    from: Actor,
    name: string,
    count: number,
    family?: 'ipv6',
  ): Promise<Observation<PingResult>> {
    const action = `ping${family ? ' -6' : ''} by name from ${describeActor(from)} to ${name} ×${count}`;
    return this.comparePings(action, (b) => b.pingByName(from, name, count, family));
  }

  async loadStandaloneHost(spec: StandaloneHostSpec): Promise<void> {
    const action = `restoring a standalone host${spec.file ? ` from ${spec.file}` : ''}`;
    const { backend } = await this.both(
      action,
      (b) => b.loadStandaloneHost(spec),
      (m) => m.loadStandaloneHost(spec),
    );
    await Promise.all([backend.zeroCounters(), this.model.zeroCounters()]);
    await this.checkRuleset(action, backend);
  }

  async pingFromAddress(from: string, to: string, count: number): Promise<Observation<PingResult>> {
    const action = `ping from ${from} to ${to} ×${count}`;
    return this.comparePings(action, (b) => b.pingFromAddress(from, to, count));
  }

  async httpGet(from: Actor, url: string): Promise<Observation<RequestResult>> {
    return this.traffic(
      `HTTP GET ${url} from ${describeActor(from)}`,
      (b) => b.httpGet(from, url),
      (real, model) => compareConnectivity({ outcome: real.outcome }, { outcome: model.outcome }),
      { protocol: 'tcp', byteTolerance: HTTP_BYTE_TOLERANCE },
    );
  }

  async tcpSend(
    from: Actor,
    to: string,
    port: number,
    payload: string,
  ): Promise<Observation<RequestResult & { seenSource?: string }>> {
    return this.traffic(
      `TCP to ${to}:${port} from ${describeActor(from)}`,
      (b) => b.tcpSend(from, to, port, payload),
      (real, model) =>
        compareConnectivity(
          { outcome: real.outcome, ...(real.outcome === 'ok' ? { seenSource: real.seenSource } : {}) },
          { outcome: model.outcome, seenSource: model.seenSource },
        ),
      { protocol: 'tcp', byteTolerance: 0 },
    );
  }

  async udpSend(
    from: Actor,
    to: string,
    port: number,
    payload: string,
  ): Promise<Observation<DatagramResult>> {
    return this.traffic(
      `UDP datagram to ${to}:${port} from ${describeActor(from)}`,
      (b) => b.udpSend(from, to, port, payload),
      datagramConnectivity,
      { protocol: 'udp', byteTolerance: 0 },
    );
  }

  async lastSeenSource(container: string): Promise<string | undefined> {
    const backend = await this.real();
    const [real, model] = await Promise.all([
      backend.lastSeenSource(container),
      this.model.lastSeenSource(container),
    ]);
    if (real !== model) {
      const flow = this.model.lastFlow();
      throw new TwinMismatchError({
        action: `reading the source address "${container}" saw`,
        connectivity: [{ field: 'seenSource', real, model }],
        ...(flow ? { flow } : {}),
      });
    }
    return real;
  }

  async listeners(): Promise<Listener[]> {
    return (await this.real()).listeners();
  }

  async interfaces(): Promise<HostInterface[]> {
    return (await this.real()).interfaces();
  }

  async resolveAddress(nameOrAddress: string): Promise<string> {
    const backend = await this.real();
    const [real, model] = await Promise.all([
      backend.resolveAddress(nameOrAddress),
      settle(this.model.resolveAddress(nameOrAddress)),
    ]);
    if (!model.ok || model.value !== real) {
      throw new TwinMismatchError({
        action: `resolving "${nameOrAddress}"`,
        other: [`address: real ${real}, model ${model.ok ? model.value : `failed (${model.error.message})`}`],
      });
    }
    return real;
  }

  async dispose(): Promise<void> {
    try {
      await this.model.dispose();
    } finally {
      if (this.realBackend) await (await this.realBackend.catch(() => undefined))?.dispose();
    }
  }
}
