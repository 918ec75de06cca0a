/**
 * The twin backend: a real Docker host (the dind backend) and the model, driven step
 * by step with the same calls. After every action the observables are compared —
 * connectivity, the source a receiver saw, every rule's and policy's counter delta,
 * and the ruleset itself — and the first disagreement is a TwinMismatchError that
 * shows both sides and the model's packet path. Steps get the REAL observations (with
 * the model's path attached for the report).
 *
 * This file drives the two sides through Docker actions and host commands and compares
 * the rulesets after each; beside it: twin-traffic-steps.ts (the traffic steps),
 * twin-checks.ts (what must agree after one action), twin-learning.ts (what the model
 * takes over from the real host), twin-mismatch.ts (how a disagreement reads).
 */
import { quote } from 'shell-quote';
import type { ComposePlan } from '../compose/plan.ts';
import { composeUp } from '../compose/up.ts';
import { reloadsFirewalld } from '../dind/firewalld-reload.ts';
import {
  type HostCounters,
  type HostFirewallState,
  materializedBuiltinsOf,
} from '../netfilter/firewall-state.ts';
import type { HostInterface, Listener } from '../netfilter/host-types.ts';
import type {
  Actor,
  Backend,
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
  StandaloneHostSpec,
} from './backend.ts';
import { type HostComposeUp, isComposeHostBackend } from './compose-host.ts';
import { createModelBackend, type ModelBackend } from './model.ts';
import { loadsPredictedFirewall } from './predicted-firewall.ts';
import { containerMismatch, exitCodeMismatch, networkMismatch } from './twin-checks.ts';
import { composeOnTwin } from './twin-compose.ts';
import { learnNetwork, learnStartedHost, reloadSettledOptions } from './twin-learning.ts';
import { firewallMismatch, TwinMismatchError } from './twin-mismatch.ts';
import { bothSides, defaultReal, settle } from './twin-sides.ts';
import { TwinTrafficSteps } from './twin-traffic-steps.ts';

export { type TwinMismatchDetails, TwinMismatchError } from './twin-mismatch.ts';

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
  /** Pings, requests and sends on both sides, judged once each (twin-traffic-steps.ts). */
  private readonly trafficSteps: TwinTrafficSteps;

  constructor(private readonly options: TwinBackendOptions) {
    this.model = options.model ?? createModelBackend();
    this.trafficSteps = new TwinTrafficSteps({
      model: this.model,
      real: () => this.real(),
      both: (action, real, model) => this.both(action, real, model),
    });
  }

  /** The real side (started lazily). */
  real(): Promise<Backend> {
    const r = this.options.real;
    this.realBackend ??= typeof r === 'function' ? r() : r ? Promise.resolve(r) : defaultReal();
    return this.realBackend;
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
        materializedBuiltinsOf(this.model.hostState().firewall, 'ipv4'),
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
    await learnStartedHost(backend, this.model);
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
    learnNetwork(this.model, options.name, real, model);
    const mismatch = networkMismatch(action, real, model);
    if (mismatch) throw mismatch;
    await this.checkRuleset(action, backend);
    return real;
  }

  async removeNetwork(name: string): Promise<void> {
    await this.control(`docker network rm ${name}`, (b) => b.removeNetwork(name));
  }

  /** Whether the real host runs compose files with `docker compose` (dind-compose.ts). */
  async runsCompose(): Promise<boolean> {
    const real = await this.real();
    return isComposeHostBackend(real) && (await real.runsCompose());
  }

  /**
   * A compose file: where the real host runs `docker compose`, the model follows what it
   * decided (twin-compose.ts) and the rules are compared; else each Backend call is twinned.
   */
  async composeUp(plan: ComposePlan): Promise<HostComposeUp> {
    const backend = await this.real();
    if (!isComposeHostBackend(backend) || !(await backend.runsCompose())) return composeUp(this, plan);
    const action = `docker compose -p ${plan.project} up -d (${plan.file})`;
    const result = await composeOnTwin(action, backend, this.model, plan);
    await this.checkRuleset(action, backend);
    return result;
  }

  async runContainer(options: ContainerOptions): Promise<ContainerInfo> {
    const action = `docker run --name ${options.name}${options.network ? ` --network ${options.network}` : ''}`;
    const { real, model, backend } = await this.both(
      action,
      (b) => b.runContainer(options),
      (m) => m.runContainer(options),
    );
    const mismatch = containerMismatch(action, real, model);
    if (mismatch) throw mismatch;
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
    const mismatch = containerMismatch(action, real, model, 'ipv4');
    if (mismatch) throw mismatch;
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
    const options = await reloadSettledOptions(action, command, this.model, modelSide);
    const reload = reloadsFirewalld(command);
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
    const mismatch = exitCodeMismatch(action, real, model);
    if (mismatch) throw mismatch;
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

  ping(from: Actor, to: string, count: number): Promise<Observation<PingResult>> {
    return this.trafficSteps.ping(from, to, count);
  }

  pingByName(from: Actor, name: string, count: number, family?: 'ipv6'): Promise<Observation<PingResult>> {
    return this.trafficSteps.pingByName(from, name, count, family);
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

  pingFromAddress(from: string, to: string, count: number): Promise<Observation<PingResult>> {
    return this.trafficSteps.pingFromAddress(from, to, count);
  }

  httpGet(from: Actor, url: string): Promise<Observation<RequestResult>> {
    return this.trafficSteps.httpGet(from, url);
  }

  tcpSend(
    from: Actor,
    to: string,
    port: number,
    payload: string,
  ): Promise<Observation<RequestResult & { seenSource?: string }>> {
    return this.trafficSteps.tcpSend(from, to, port, payload);
  }

  udpSend(from: Actor, to: string, port: number, payload: string): Promise<Observation<DatagramResult>> {
    return this.trafficSteps.udpSend(from, to, port, payload);
  }

  lastSeenSource(container: string): Promise<string | undefined> {
    return this.trafficSteps.lastSeenSource(container);
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
