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
import {
  type ConnectivityDifference,
  compareConnectivity,
  describeConnectivityDifference,
} from '../compare/connectivity.ts';
import {
  type CounterCompareOptions,
  type CounterComparison,
  compareCounters,
} from '../compare/counter-compare.ts';
import { findDnsPorts } from '../compare/dns-ports.ts';
import { isModelRefusal, refusalWords } from '../compare/refusal.ts';
import { renderCounterComparisonText } from '../compare/render-text.ts';
import { compareRulesets, describeDifference, type RulesetComparison } from '../compare/ruleset-diff.ts';
import type { FlowResult, HostInterface, Listener, PathStep } from '../netfilter/host-types.ts';
import { formatPath } from '../netfilter/path/format-path.ts';
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
import { createModelBackend, type ModelBackend } from './model.ts';
import { HTTP_BYTE_TOLERANCE } from './model-http.ts';

const log = debug('nettwin:twin');

export interface TwinBackendOptions {
  /** The real side; default the dind backend (src/backends/dind.ts), loaded on first use. */
  real?: Backend | (() => Promise<Backend>);
  /** The model side; default createModelBackend(). */
  model?: ModelBackend;
  /** Compare rulesets after every control action (default true). */
  compareRulesets?: boolean;
}

export interface TwinMismatchDetails {
  /** What was being done, e.g. `ping from container "test1" to 172.30.0.2 ×3`. */
  action: string;
  connectivity?: ConnectivityDifference[];
  counters?: CounterComparison;
  counterOptions?: CounterCompareOptions;
  ruleset?: RulesetComparison;
  /** Other disagreements (addresses, exit codes, one side failing). */
  other?: string[];
  /** The model's flow, when the action sent traffic. */
  flow?: FlowResult;
  realCounters?: CounterDelta[];
  modelCounters?: CounterDelta[];
}

/** Real host and model disagree. The message shows both sides; fields carry the data for reports. */
export class TwinMismatchError extends Error {
  override name = 'TwinMismatchError';
  readonly details: TwinMismatchDetails;

  constructor(details: TwinMismatchDetails) {
    super(renderMismatch(details));
    this.details = details;
  }

  get path(): PathStep[] | undefined {
    return this.details.flow?.path;
  }
}

export function renderMismatch(d: TwinMismatchDetails): string {
  const what: string[] = [];
  if (d.connectivity?.length) what.push('connectivity');
  if (d.counters && !d.counters.equal) what.push('counters');
  if (d.ruleset && !d.ruleset.equal) what.push('ruleset');
  if (d.other?.length) what.push(...d.other.map((o) => o.split(':')[0] ?? o));
  const out = [`real host and model disagree after ${d.action} (${what.join(', ')})`];
  if (d.other?.length) out.push('', ...d.other.map((o) => `  ${o}`));
  if (d.connectivity?.length) {
    out.push('', 'connectivity:', ...d.connectivity.map((c) => `  ${describeConnectivityDifference(c)}`));
  }
  if (d.counters && !d.counters.equal) {
    const rule = d.counters.mismatches[0];
    const mode =
      d.counterOptions?.protocol === 'tcp' || d.counterOptions?.protocol === 'udp'
        ? `${d.counterOptions.protocol}: packets exact, filter bytes ±${d.counterOptions.byteTolerance ?? 0}, nat exact`
        : 'packets and bytes exact';
    out.push('', `counters (${mode}); first disagreement: ${rule?.table} ${rule?.text}`);
    out.push(indent(renderCounterComparisonText(d.counters)));
  }
  if (d.ruleset && !d.ruleset.equal) {
    out.push('', 'ruleset:', ...d.ruleset.differences.map((x) => `  ${describeDifference(x)}`), '');
    out.push(indent(d.ruleset.unified));
  }
  if (d.flow) out.push('', "the model's packet path:", indent(formatPath(d.flow).trimEnd()));
  return out.join('\n');
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');

async function defaultReal(): Promise<Backend> {
  // Loaded lazily: the dind backend pulls in testcontainers and is written in parallel.
  const path = './dind.ts';
  const module = (await import(path)) as { createDindBackend?: () => Backend | Promise<Backend> };
  if (typeof module.createDindBackend !== 'function') {
    throw new Error(
      'src/backends/dind.ts does not export createDindBackend(); the twin needs it for the real side',
    );
  }
  return module.createDindBackend();
}

export function createTwinBackend(options: TwinBackendOptions = {}): TwinBackend {
  return new TwinBackend(options);
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: Error };

async function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error: error as Error };
  }
}

export class TwinBackend implements Backend {
  readonly name = 'twin' as const;
  readonly model: ModelBackend;
  private realBackend: Promise<Backend> | undefined;
  private lastModelCounters: CounterDelta[] | undefined;
  private lastTimingExtra: CounterDelta[] = [];
  private cachedRealCounters: CounterDelta[] | undefined;

  constructor(private readonly options: TwinBackendOptions) {
    this.model = options.model ?? createModelBackend();
  }

  /** The real side (started lazily). */
  real(): Promise<Backend> {
    const r = this.options.real;
    this.realBackend ??= typeof r === 'function' ? r() : r ? Promise.resolve(r) : defaultReal();
    return this.realBackend;
  }

  /** Both sides act; one failing alone is a mismatch, both failing rethrows the real error. */
  /** A ping on both sides; connectivity and every counter must agree. */
  private async comparePings(action: string, ping: (b: Backend) => Promise<PingResult>): Promise<PingResult> {
    const { real, model, backend } = await this.both(action, ping, ping);
    const diff = compareConnectivity(
      { sent: real.sent, received: real.received },
      { sent: model.sent, received: model.received },
    );
    await this.checkTraffic(action, backend, diff, { protocol: 'icmp' });
    return { ...real, ...(model.path ? { path: model.path } : {}) };
  }

  private async both<R, M>(
    action: string,
    real: (b: Backend) => Promise<R>,
    model: (m: ModelBackend) => Promise<M>,
  ) {
    this.cachedRealCounters = undefined;
    const backend = await this.real();
    const [r, m] = await Promise.all([settle(real(backend)), settle(model(this.model))]);
    if (!r.ok && !m.ok) {
      // Both refused: with the same words (ids aside), or the model does not know Docker's.
      const words = { real: refusalWords(r.error), model: refusalWords(m.error) };
      if (isModelRefusal(m.error) && words.real !== words.model) {
        throw new TwinMismatchError({
          action,
          other: [`refusal: real "${words.real}", model "${words.model}"`],
        });
      }
      throw r.error;
    }
    if (!r.ok)
      throw new TwinMismatchError({
        action,
        other: [`outcome: the real host failed (${r.error.message}); the model went ahead`],
      });
    if (!m.ok)
      throw new TwinMismatchError({
        action,
        other: [`outcome: the model failed (${m.error.message}); the real host went ahead`],
      });
    return { real: r.value, model: m.value, backend };
  }

  private async checkRuleset(action: string, backend: Backend): Promise<void> {
    if (this.options.compareRulesets === false) return;
    const cmp = compareRulesets(await backend.readRuleset(), await this.model.readRuleset());
    if (!cmp.equal) throw new TwinMismatchError({ action, ruleset: cmp });
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
    const ports = findDnsPorts(await backend.readRuleset());
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
    const action = `docker network rm ${name}`;
    const { backend } = await this.both(
      action,
      (b) => b.removeNetwork(name),
      (m) => m.removeNetwork(name),
    );
    await this.checkRuleset(action, backend);
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
    await this.checkRuleset(action, backend);
    return real;
  }

  async removeContainer(name: string): Promise<void> {
    const action = `docker rm -f ${name}`;
    const { backend } = await this.both(
      action,
      (b) => b.removeContainer(name),
      (m) => m.removeContainer(name),
    );
    await this.checkRuleset(action, backend);
  }

  async restartContainer(name: string): Promise<void> {
    const action = `docker restart ${name}`;
    const { backend } = await this.both(
      action,
      (b) => b.restartContainer(name),
      (m) => m.restartContainer(name),
    );
    const [r, m] = await Promise.all([backend.resolveAddress(name), this.model.resolveAddress(name)]);
    if (r !== m) throw new TwinMismatchError({ action, other: [`address: real ${r}, model ${m}`] });
    await this.checkRuleset(action, backend);
  }

  async startContainer(name: string): Promise<void> {
    const action = `docker start ${name}`;
    const { backend } = await this.both(
      action,
      (b) => b.startContainer(name),
      (m) => m.startContainer(name),
    );
    const [r, m] = await Promise.all([backend.resolveAddress(name), this.model.resolveAddress(name)]);
    if (r !== m) throw new TwinMismatchError({ action, other: [`address: real ${r}, model ${m}`] });
    await this.checkRuleset(action, backend);
  }

  async stopContainer(name: string): Promise<void> {
    const action = `docker stop ${name}`;
    const { backend } = await this.both(
      action,
      (b) => b.stopContainer(name),
      (m) => m.stopContainer(name),
    );
    await this.checkRuleset(action, backend);
  }

  async connectNetwork(network: string, container: string): Promise<ContainerInfo> {
    return this.attachment(`docker network connect ${network} ${container}`, (b) =>
      b.connectNetwork(network, container),
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
    const action = 'restarting the Docker daemon';
    const { backend } = await this.both(
      action,
      (b) => b.restartDaemon(),
      (m) => m.restartDaemon(),
    );
    await this.checkRuleset(action, backend);
  }

  async hostCommand(command: string | string[]): Promise<ExecResult> {
    const action = `host command \`${typeof command === 'string' ? command : quote(command)}\``;
    const { real, model, backend } = await this.both(
      action,
      (b) => b.hostCommand(command),
      (m) => m.hostCommand(command),
    );
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
    await this.checkRuleset(action, backend);
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
    this.lastTimingExtra = [];
    await this.both(
      'zeroing counters',
      (b) => b.zeroCounters(),
      (m) => m.zeroCounters(),
    );
  }

  async readRuleset(): Promise<Ruleset> {
    return (await this.real()).readRuleset();
  }

  async readCounters(): Promise<CounterDelta[]> {
    if (this.cachedRealCounters) return this.cachedRealCounters;
    this.lastModelCounters = await this.model.readCounters();
    return (await this.real()).readCounters();
  }

  /**
   * Deltas of the timing-dependent packets (e.g. a second ACK) the real kernel sent on
   * top of the model's prediction in the last traffic step; empty when it sent none.
   */
  timingExtra(): CounterDelta[] {
    return this.lastTimingExtra;
  }

  /** The model's deltas for the same period as the last readCounters() (steps/lib/capabilities.ts). */
  async modelCounters(): Promise<CounterDelta[]> {
    return this.lastModelCounters ?? this.model.readCounters();
  }

  async modelRuleset(): Promise<Ruleset> {
    return this.model.readRuleset();
  }

  /** Counters after a traffic action: both sides read and compared, the real ones cached for the step. */
  private async checkTraffic(
    action: string,
    backend: Backend,
    connectivity: ConnectivityDifference[],
    counterOptions: CounterCompareOptions,
  ): Promise<void> {
    const [realCounters, modelCounters] = await Promise.all([
      backend.readCounters(),
      this.model.readCounters(),
    ]);
    this.cachedRealCounters = realCounters;
    this.lastModelCounters = modelCounters;
    const flow = this.model.lastFlow();
    const variations = flow?.variations;
    const counters = compareCounters(realCounters, modelCounters, {
      ...counterOptions,
      ...(variations ? { variations } : {}),
    });
    // Later assertions of the step compare with what the real kernel was matched against.
    if (counters.variationCounters) this.lastModelCounters = counters.variationCounters;
    this.lastTimingExtra = counters.variationExtra ?? [];
    if (connectivity.length > 0 || !counters.equal) {
      throw new TwinMismatchError({
        action,
        connectivity,
        counters,
        counterOptions,
        realCounters,
        modelCounters,
        ...(flow ? { flow } : {}),
      });
    }
  }

  async ping(from: Actor, to: string, count: number): Promise<PingResult> {
    const action = `ping from ${describeActor(from)} to ${to} ×${count}`;
    return this.comparePings(action, (b) => b.ping(from, to, count));
  }

  async pingByName(from: Actor, name: string, count: number): Promise<PingResult> {
    const action = `ping by name from ${describeActor(from)} to ${name} ×${count}`;
    return this.comparePings(action, (b) => b.pingByName(from, name, count));
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

  async pingFromAddress(from: string, to: string, count: number): Promise<PingResult> {
    const action = `ping from ${from} to ${to} ×${count}`;
    return this.comparePings(action, (b) => b.pingFromAddress(from, to, count));
  }

  async httpGet(from: Actor, url: string): Promise<RequestResult> {
    const action = `HTTP GET ${url} from ${describeActor(from)}`;
    const { real, model, backend } = await this.both(
      action,
      (b) => b.httpGet(from, url),
      (m) => m.httpGet(from, url),
    );
    const diff = compareConnectivity({ outcome: real.outcome }, { outcome: model.outcome });
    await this.checkTraffic(action, backend, diff, { protocol: 'tcp', byteTolerance: HTTP_BYTE_TOLERANCE });
    return { ...real, ...(model.path ? { path: model.path } : {}) };
  }

  async tcpSend(
    from: Actor,
    to: string,
    port: number,
    payload: string,
  ): Promise<RequestResult & { seenSource?: string }> {
    const action = `TCP to ${to}:${port} from ${describeActor(from)}`;
    const { real, model, backend } = await this.both(
      action,
      (b) => b.tcpSend(from, to, port, payload),
      (m) => m.tcpSend(from, to, port, payload),
    );
    const diff = compareConnectivity(
      { outcome: real.outcome, ...(real.outcome === 'ok' ? { seenSource: real.seenSource } : {}) },
      { outcome: model.outcome, seenSource: model.seenSource },
    );
    await this.checkTraffic(action, backend, diff, { protocol: 'tcp', byteTolerance: 0 });
    return { ...real, ...(model.path ? { path: model.path } : {}) };
  }

  async udpSend(from: Actor, to: string, port: number, payload: string): Promise<DatagramResult> {
    const action = `UDP datagram to ${to}:${port} from ${describeActor(from)}`;
    const { real, model, backend } = await this.both(
      action,
      (b) => b.udpSend(from, to, port, payload),
      (m) => m.udpSend(from, to, port, payload),
    );
    // "ok": a listener received it; "timeout": none did (lost, or refused with an ICMP
    // error the sender never reads).
    const seen = (d: DatagramResult) => ({
      outcome: d.arrived ? ('ok' as const) : ('timeout' as const),
      ...(d.arrived ? { seenSource: d.seenSource } : {}),
    });
    const diff = compareConnectivity(seen(real), seen(model));
    if (real.arrived && model.arrived && real.receiver !== model.receiver) {
      diff.push({ field: 'seenSource', real: `${real.receiver} saw it`, model: `${model.receiver} saw it` });
    }
    await this.checkTraffic(action, backend, diff, { protocol: 'udp', byteTolerance: 0 });
    return { ...real, ...(model.path ? { path: model.path } : {}) };
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

function describeActor(a: Actor): string {
  return a.kind === 'container'
    ? `container "${a.name}"`
    : a.kind === 'host'
      ? 'the Docker host'
      : 'the outer client';
}
