/**
 * The per-scenario state: the backend the scenario runs on, the containers and
 * networks it created (by name), and what the last traffic step observed. Steps stay
 * one or two lines by calling the methods here.
 */
import { readFile } from 'node:fs/promises';
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
import {
  type HostFirewallState,
  type IpFamily,
  iptablesCountersOf,
  iptablesOf,
} from '../src/netfilter/firewall-state.ts';
import type { Ruleset } from '../src/netfilter/types.ts';
import { escapeXml } from '../src/report/escape.ts';
import { SnapshotError } from '../src/snapshot/errors.ts';
// Type only: the module (and zod behind it, ~0.17 s of CPU) loads when a scenario replays a snapshot.
import type { SnapshotReplay } from '../src/snapshot/to-standalone.ts';
import { chooseBackendName, createBackend } from './lib/backend-factory.ts';
import { FeaturePathError, featurePath } from './lib/feature-paths.ts';
import { describeNftDeltas, type NftRuleName, nftCounterFor, nftLabel } from './lib/nft-lines.ts';
import {
  type Observation,
  recordFailure,
  recordSent,
  type Sent,
  type TrafficKind,
} from './lib/observation.ts';
import {
  counterFor,
  describeDeltas,
  expectedCounts,
  parseTableCell,
  type TableRef,
  tableLabel,
  tablesHoldingRule,
} from './lib/rule-lines.ts';
import { ensureNeighbours, type InterfaceRow, interfacesFromRows } from './lib/standalone-host.ts';
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

  /**
   * The table a rule lives in: explicit (`nat`, `ip6 nat`), or the one table holding it —
   * iptables' tables first (IPv4 scenarios read as before), then ip6tables' (a rule only
   * IPv6 has, `-d fd00:1::2/128`). A rule both families hold is iptables' unless the step
   * says `ip6 …`.
   */
  async tableOf(written: string, explicit?: string): Promise<TableRef> {
    const rule = this.withNetworks(written);
    if (explicit) {
      return (
        parseTableCell(explicit) ??
        this.fail(
          `"${explicit}" is not an iptables table (raw, mangle, nat, filter, security; "ip6 filter" for ip6tables)`,
        )
      );
    }
    const firewall = await this.firewall(); // one read of the host for both families
    for (const family of ['ipv4', 'ipv6'] as const) {
      const tables = tablesHoldingRule(iptablesOf(firewall, 'iptables-nft', family), rule);
      if (tables.length === 1 && tables[0]) return { family, table: tables[0] };
      if (tables.length > 1) {
        const names = tables.map((table) => tableLabel({ family, table }));
        this.fail(`the rule "${rule}" is in tables ${names.join(' and ')}; add "in table …" to say which`);
      }
    }
    return this.fail(
      `no table holds the rule "${rule}"; check its text against iptables-save / ip6tables-save (or add "in table nat")`,
    );
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

  /** Where to read a file the feature names: below the working or the feature's directory (lib/feature-paths.ts). */
  private async featureFile(file: string, what: string): Promise<string> {
    try {
      return await featurePath(file, what, {
        cwd: process.cwd(),
        featureUri: this.step?.uri,
        env: process.env,
      });
    } catch (error) {
      if (error instanceof FeaturePathError) this.fail(error.message, error);
      throw error;
    }
  }

  /** `Given a host restored from the iptables-save in FILE with interfaces:` */
  async restoreHost(file: string, table: DataTable): Promise<void> {
    let rulesetText: string;
    try {
      rulesetText = await readFile(await this.featureFile(file, 'iptables-save dump'), 'utf8');
    } catch (cause) {
      if (cause instanceof StepError) throw cause;
      this.fail(
        `cannot read the iptables-save dump "${file}" (paths are relative to ${process.cwd()})`,
        cause,
      );
    }
    this.describeStandalone({ rulesetText, file, sysctls: { 'net.ipv4.ip_forward': '1' } }, table);
  }

  /**
   * `Given a host like the one in snapshot "FILE"`: the host `nettwin snapshot` recorded,
   * its running containers usable by name in traffic steps (played by namespaces on a
   * real host).
   */
  async snapshotHost(file: string): Promise<void> {
    if (this.standalone || this.hostStarted)
      this.fail('this scenario already has a host; describe one host per scenario');
    let text: string;
    try {
      text = await readFile(await this.featureFile(file, 'snapshot'), 'utf8');
    } catch (cause) {
      if (cause instanceof StepError) throw cause;
      this.fail(`cannot read the snapshot "${file}" (paths are relative to ${process.cwd()})`, cause);
    }
    const { snapshotReplay } = await import('../src/snapshot/to-standalone.ts');
    let replay: SnapshotReplay;
    try {
      replay = snapshotReplay(text, file);
    } catch (error) {
      if (error instanceof SnapshotError) this.fail(error.message, error);
      throw error;
    }
    // The report shows a log as HTML (see lib/report-attachments.ts): a snapshot is someone else's text.
    for (const warning of replay.warnings) this.log(escapeXml(`snapshot ${file}: ${warning}`));
    this.standalone = replay.spec;
    for (const c of replay.containers) this.containers.set(c.name, c);
  }

  /** `Given a Linux router with interfaces:` — no rules, forwarding on, as seed 002 sets it up. */
  linuxRouter(table: DataTable): void {
    this.describeStandalone({ rulesetText: '', sysctls: { 'net.ipv4.ip_forward': '1' } }, table);
  }

  private describeStandalone(
    base: Pick<StandaloneHostSpec, 'rulesetText' | 'sysctls'> & { file?: string },
    table: DataTable,
  ): void {
    if (this.standalone || this.hostStarted)
      this.fail('this scenario already has a host; describe one host per scenario');
    const { interfaces, neighbours } = this.value(() => interfacesFromRows(table.hashes() as InterfaceRow[]));
    this.standalone = { ...base, interfaces, neighbours, routes: [] };
  }

  standaloneDefaultRoute(via: string, dev: string): void {
    const spec =
      this.standalone ?? this.fail('describe the host (restored dump or Linux router) before its routes');
    if (!spec.interfaces.some((i) => i.name === dev)) this.fail(`the host has no interface "${dev}"`);
    spec.routes.push({ destination: 'default', dev, via });
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

  /** Assert one rule's (or policy's) delta in the last traffic step. */
  expectCounted(ref: TableRef, written: string, packets: number, bytes?: number): void {
    const line = this.withNetworks(written);
    const o = this.lastObservation();
    const { table, family } = ref;
    const deltas =
      family === 'ipv4' ? o.counters : iptablesCountersOf(o.hostCounters, 'iptables-nft', 'ipv6');
    const got = counterFor(deltas, table, line);
    // Extra ACKs the real kernel chose to send are not part of the recorded flow (IPv4 flows only so far).
    const extra = counterFor(family === 'ipv4' ? (o.twin?.timingExtra ?? []) : [], table, line);
    const want = expectedCounts({ packets, ...(bytes === undefined ? {} : { bytes }) }, extra);
    const ok = got.packets === want.packets && (want.bytes === undefined || got.bytes === want.bytes);
    if (!ok) {
      const wantText =
        want.bytes === undefined
          ? `${want.packets} packets`
          : `${want.packets} packets and ${want.bytes} bytes`;
      const because =
        extra.packets > 0 ? `${packets} of the flow + ${extra.packets} timing-dependent ACKs` : '';
      this.fail(
        `${tableLabel(ref)}: "${line}" counted ${got.packets} packets and ${got.bytes} bytes during ${o.description}; expected ${wantText}${because ? ` (${because})` : ''}.\n` +
          `Deltas of that step${family === 'ipv6' ? ' (ip6tables)' : ''}:\n${describeDeltas(deltas)}`,
      );
    }
  }

  /** Assert one native nft rule's delta in the last traffic step. */
  expectNftCounted(rule: NftRuleName, packets: number, bytes?: number): void {
    const o = this.lastObservation();
    const got = nftCounterFor(o.nftCounters, rule);
    const extra = nftCounterFor(o.twin?.timingExtra ?? [], rule);
    const want = expectedCounts({ packets, ...(bytes === undefined ? {} : { bytes }) }, extra);
    if (got.packets === want.packets && (want.bytes === undefined || got.bytes === want.bytes)) return;
    const wantText =
      want.bytes === undefined
        ? `${want.packets} packets`
        : `${want.packets} packets and ${want.bytes} bytes`;
    this.fail(
      `${nftLabel(rule)} counted ${got.packets} packets and ${got.bytes} bytes during ${o.description}; expected ${wantText}.\n` +
        `Native nft deltas of that step:\n${describeNftDeltas(o.nftCounters)}`,
    );
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
