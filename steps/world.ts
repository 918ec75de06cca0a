/**
 * The per-scenario state: the backend the scenario runs on, the containers and
 * networks it created (by name), and what the last traffic step observed. Steps stay
 * one or two lines by calling the methods here. What is not state lives beside it in
 * lib/: describing a host that is not a Docker host (standalone-world.ts), finding and
 * judging the rules a step names (rule-expectations.ts); the methods here call those.
 */
import { type DataTable, type IWorldOptions, setWorldConstructor, World } from '@cucumber/cucumber';
import debug from 'debug';
import type {
  Actor,
  Backend,
  BackendName,
  ContainerInfo,
  HostOptions,
  NetworkInfo,
  StandaloneHostSpec,
} from '../src/backends/backend.ts';
import { plumbingEngineFor, plumbingNotice } from '../src/backends/plumbing-engine.ts';
import { DEFAULT_DOCKER_VERSION } from '../src/docker/profile.ts';
import { type RecordedAction, recordActions } from '../src/matrix/replay.ts';
import { type HostFirewallState, type IpFamily, iptablesOf } from '../src/netfilter/firewall-state.ts';
import type { Ruleset } from '../src/netfilter/types.ts';
import { escapeXml } from '../src/report/escape.ts';
import { chooseBackendName, createBackend } from './lib/backend-factory.ts';
import type { NftRuleName } from './lib/nft-lines.ts';
import {
  type Observation,
  recordFailure,
  recordSent,
  type Sent,
  type TrafficKind,
} from './lib/observation.ts';
import * as rules from './lib/rule-expectations.ts';
import type { TableRef } from './lib/rule-lines.ts';
import { ensureNeighbours } from './lib/standalone-host.ts';
import * as standaloneWorld from './lib/standalone-world.ts';
import { StepError, type StepLocation } from './lib/step-error.ts';
import { ValueError } from './lib/values.ts';

const log = debug('nettwin:steps');

export interface NettwinParameters {
  backend?: BackendName;
  /** Docker version of a host whose step names none (`nettwin run --docker-version`). */
  dockerVersion?: string;
}

export type { Observation, TrafficKind } from './lib/observation.ts';

/** A failed Docker action kept for a following `Then docker refuses …` step. */
export interface Refusal {
  action: string;
  error: Error;
}

export class NettwinWorld extends World<NettwinParameters> {
  readonly backendName: BackendName;
  readonly containers = new Map<string, ContainerInfo>();
  readonly networks = new Map<string, NetworkInfo>();
  /**
   * Other names steps may use for a container or network (steps/compose.ts): a compose
   * service (its first replica), `web-2`, a network's compose key → the Docker name;
   * null: the name is ambiguous (two compose files), so it names nothing.
   */
  readonly names = {
    containers: new Map<string, string | null>(),
    networks: new Map<string, string | null>(),
  };
  /** The step being run (set by a BeforeStep hook), for error messages. */
  step: StepLocation | undefined;
  observation: Observation | undefined;
  refusal: Refusal | undefined;
  /** The Docker version of the started host (for steps whose expectation depends on it). */
  dockerVersion: string | undefined;
  /** The scenario's Docker actions as the backend carried them out (src/matrix/replay.ts). */
  readonly actions: RecordedAction[] = [];
  /** Set by `Given a host restored from …` / `Given a Linux router …`. */
  standalone: StandaloneHostSpec | undefined;
  private backendInstance: Promise<Backend> | undefined;
  private standaloneBackend: Promise<Backend> | undefined;
  private hostStarted = false;
  private disposed = false;

  constructor(options: IWorldOptions<NettwinParameters>) {
    super(options);
    this.backendName = chooseBackendName(options.parameters?.backend, process.env.NETTWIN_BACKEND);
  }

  /** A StepError naming the current step and its feature file:line. */
  fail(detail: string, cause?: unknown): never {
    throw new StepError(detail, this.step, cause === undefined ? undefined : { cause });
  }

  /** Run a value parser; a ValueError becomes a StepError naming this step. */
  value<T>(parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      if (error instanceof ValueError) this.fail(error.message, error);
      throw error;
    }
  }

  /** The backend, created on first use (lazily imported: see lib/backend-factory.ts). */
  backend(): Promise<Backend> {
    // Its host-changing calls are recorded for a replay on another model (the upgrade step).
    this.backendInstance ??= createBackend(this.backendName).then((b) => recordActions(b, this.actions));
    return this.backendInstance;
  }

  /** The backend with a started Docker host (a default 28.5 host unless a step chose one). */
  async host(options?: Partial<HostOptions>): Promise<Backend> {
    const backend = await this.backend();
    if (options && this.hostStarted) this.fail('the Docker host is already started; describe it in one step');
    if (!this.hostStarted) {
      const chosen: HostOptions = {
        // A scenario whose first step is not `Given a Docker host` runs on --docker-version too.
        dockerVersion: options?.dockerVersion ?? this.parameters.dockerVersion ?? DEFAULT_DOCKER_VERSION,
        daemonOptions: [],
      };
      chosen.daemonOptions = options?.daemonOptions ?? [];
      if (options?.hostFirewall) chosen.hostFirewall = options.hostFirewall;
      if (options?.ipv6) chosen.ipv6 = true;
      log('starting host %o on backend "%s"', chosen, this.backendName);
      await backend.startHost(chosen);
      this.hostStarted = true;
      this.dockerVersion = chosen.dockerVersion;
      // The report says plainly what a real side of a version without its own engine is.
      const engine = this.backendName === 'model' ? undefined : plumbingEngineFor(chosen.dockerVersion);
      if (engine) this.log(escapeXml(plumbingNotice(chosen.dockerVersion, engine)));
    }
    return backend;
  }

  knownContainer(name: string): ContainerInfo {
    const container = this.containers.get(this.names.containers.get(name) ?? name);
    if (!container) {
      const known = [...this.containers.keys()].map((n) => `"${n}"`).join(', ') || 'none yet';
      this.fail(
        `no container "${name}" in this scenario (known: ${known}); create it first with Given container "${name}" …`,
      );
    }
    return container;
  }

  knownNetwork(name: string): NetworkInfo {
    const network = this.networks.get(this.names.networks.get(name) ?? name);
    if (!network) {
      const known = [...this.networks.keys()].map((n) => `"${n}"`).join(', ') || 'none yet';
      this.fail(
        `no network "${name}" in this scenario (known: ${known}); create it first with Given a bridge network "${name}" …`,
      );
    }
    return network;
  }

  /** A container's address on its network, for steps that address it like the articles do. */
  async addressOf(name: string): Promise<string> {
    const container = this.knownContainer(name);
    if (container.address) return container.address;
    const backend = await this.backend();
    return backend.resolveAddress(container.name);
  }

  /** A container's IPv6 address (Docker's GlobalIPv6Address); fails when it has none. */
  address6Of(name: string): string {
    const container = this.knownContainer(name);
    return (
      container.address6 ??
      this.fail(`container "${name}" has no IPv6 address; run it on a network created "with IPv6"`)
    );
  }

  /**
   * `<host ip>` in a step stands for the Docker host's own address on its uplink (eth0),
   * so a feature need not spell 192.168.70.6.
   */
  async expandHostIp(text: string): Promise<string> {
    if (!text.includes('<host ip>')) return text;
    const interfaces = await (await this.activeBackend()).interfaces();
    const uplink = interfaces.find((i) => i.name === 'eth0') ?? interfaces.find((i) => i.kind === 'ether');
    const address =
      uplink?.addresses[0]?.address ?? this.fail('<host ip>: the host has no eth0 address to stand for');
    return text.replaceAll('<host ip>', address);
  }

  actor(name: string): Actor {
    return { kind: 'container', name: this.knownContainer(name).name };
  }

  /**
   * Run one traffic step the way the recordings were made: zero every counter, send,
   * then read the deltas. The result becomes the observation `Then` steps assert on.
   */
  async observe(
    kind: TrafficKind,
    description: string,
    send: (backend: Backend) => Promise<Sent>,
    options: { keepError?: boolean } = {},
  ): Promise<void> {
    const backend = await this.activeBackend();
    let observation: Observation;
    try {
      observation = recordSent(kind, description, await send(backend));
    } catch (error) {
      if (!options.keepError) throw error;
      observation = recordFailure(kind, description, error as Error, await backend.readCounters());
    }
    this.observation = observation;
    log('observed %s: %o', description, { ping: observation.ping, request: observation.request?.outcome });
  }

  /**
   * A ping by name goes through the sender's resolver, which only the backend can run
   * (backends resolve names themselves in ping()); a name that does not resolve is kept
   * as the observation's error for `Then the name … cannot be resolved`.
   */
  async pingByName(from: Actor, name: string, count: number): Promise<void> {
    const backend = await this.host();
    const who = from.kind === 'container' ? `"${from.name}"` : 'the host';
    await this.observe(
      'ping',
      `${who} pings "${name}" by name ${count} times`,
      async () => ({
        ping: await backend.pingByName(from, name, count),
      }),
      { keepError: true },
    );
  }

  lastObservation(kind?: TrafficKind): Observation {
    const o = this.observation;
    if (!o) this.fail('no traffic step ran before this one; send a ping or a request first');
    if (kind && o.kind !== kind) this.fail(`the last traffic step was ${o.description}, not a ${kind}`);
    return o;
  }

  /**
   * A rule or command about an unnamed network names its bridge and subnet by the
   * network: `<bridge of "n1">` is br-<id> (whatever Docker called it), `<subnet of "n1">`
   * its subnet.
   */
  withNetworks(text: string): string {
    return text.replace(/<(bridge|subnet) of "([^"]+)">/g, (_, what: string, name: string) => {
      const network = this.knownNetwork(name);
      return what === 'bridge' ? network.bridge : network.subnet;
    });
  }

  /** The table a rule lives in: explicit, or the one table holding it (lib/rule-expectations.ts). */
  tableOf(written: string, explicit?: string): Promise<TableRef> {
    return rules.tableOf(this, written, explicit);
  }

  /** The host's iptables-nft ruleset of one family (what `-A …` lines in steps name). */
  async ruleset(family: IpFamily = 'ipv4'): Promise<Ruleset> {
    return iptablesOf(await this.firewall(), 'iptables-nft', family);
  }

  /** The host's firewall on every framework (the real host's on twin). */
  async firewall(): Promise<HostFirewallState> {
    return (await this.activeBackend()).readRuleset();
  }

  /** The backend the scenario acts on: the standalone host if one was described, else the Docker host. */
  async activeBackend(): Promise<Backend> {
    return this.standalone ? this.standaloneHost() : this.host();
  }

  /** Fails when the scenario already has a host (started or described): one host per scenario. */
  oneHostOnly(): void {
    if (this.standalone || this.hostStarted)
      this.fail('this scenario already has a host; describe one host per scenario');
  }

  /** `Given a host restored from the iptables-save in FILE with interfaces:` (lib/standalone-world.ts). */
  restoreHost(file: string, table: DataTable): Promise<void> {
    return standaloneWorld.restoreHost(this, file, table);
  }

  /** `Given a host like the one in snapshot "FILE"` (lib/standalone-world.ts). */
  snapshotHost(file: string): Promise<void> {
    return standaloneWorld.snapshotHost(this, file);
  }

  /** `Given a Linux router with interfaces:` (lib/standalone-world.ts). */
  linuxRouter(table: DataTable): void {
    standaloneWorld.linuxRouter(this, table);
  }

  standaloneDefaultRoute(via: string, dev: string): void {
    standaloneWorld.standaloneDefaultRoute(this, via, dev);
  }

  private async standaloneHost(): Promise<Backend> {
    const spec = this.standalone ?? this.fail('no restored host or Linux router in this scenario');
    this.standaloneBackend ??= (async () => {
      const backend = await this.backend();
      await backend.loadStandaloneHost(spec);
      return backend;
    })();
    return this.standaloneBackend;
  }

  /** `When A sends a ping to B on that host`. */
  async pingFromAddress(from: string, to: string, count: number): Promise<void> {
    const spec =
      this.standalone ?? this.fail('this step needs a restored host or a Linux router; describe one first');
    ensureNeighbours(spec, [from, to]);
    const backend = await this.standaloneHost();
    await this.observe('ping', `${from} pings ${to} ${count} times`, async () => ({
      ping: await backend.pingFromAddress(from, to, count),
    }));
  }

  /** Assert one rule's (or policy's) delta in the last traffic step (lib/rule-expectations.ts). */
  expectCounted(ref: TableRef, written: string, packets: number, bytes?: number): void {
    rules.expectCounted(this, ref, written, packets, bytes);
  }

  /** Assert one native nft rule's delta in the last traffic step (lib/rule-expectations.ts). */
  expectNftCounted(rule: NftRuleName, packets: number, bytes?: number): void {
    rules.expectNftCounted(this, rule, packets, bytes);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    // The standalone host lives in the same backend instance: one dispose covers both.
    const backend = await this.backendInstance?.catch(() => undefined);
    await backend?.dispose();
  }
}

setWorldConstructor(NettwinWorld);
