/**
 * DockerDaemonModel: a pure model of Docker's networking control plane. Each action runs
 * the iptables commands the real daemon would run (bridge-rules.ts) against the host's
 * ruleset, and keeps the rest of the host in step: bridges and their addresses, containers
 * as neighbours, docker-proxy listeners, sysctls. `host()` is what the packet path runs on.
 */
import type {
  ContainerInfo,
  ContainerOptions,
  NetworkInfo,
  NetworkOptions,
  PortMapping,
} from '../contract.ts';
import type { HostInterface, HostState, Listener, Neighbour, Route } from '../netfilter/host-types.ts';
import { forgetRuleIndex } from '../netfilter/iptables/rule-index.ts';
import { emptyRuleset, formatRuleSpec } from '../netfilter/ruleset/index.ts';
import type { Ruleset } from '../netfilter/types.ts';
import type { BridgeRuleConfig, GatewayMode, PortForward } from './bridge-rules.ts';
import { type DaemonOptions, parseDaemonOptions } from './daemon-options.ts';
import { installDnsRules, writeDnsPortRules } from './dind-baseline.ts';
import { Firewall, type IptablesResult, type IptablesRunner } from './firewall.ts';
import { IdSource, stableHex64 } from './ids.ts';
import { allocateSubnet, firstHost, PredefinedPools, SubnetAddresses } from './ipam.ts';
import { contains, formatCidr, isCidr, overlaps, parseCidr, parseIPv4 } from './ipv4.ts';
import { PortAllocator } from './port-allocator.ts';
import { orderPortMappings } from './port-sort.ts';
import { getProfile, type VersionProfile } from './profile.ts';
import * as refuse from './refusals.ts';
import { type BridgeRuleWriter, ruleWriterFor } from './rule-writer.ts';

export type HostBaseline =
  /** A plain Linux host: empty iptables before dockerd starts. */
  | 'bare'
  /** A DinD container on a user-defined outer network: the outer engine's DNS rules are there first. */
  | 'dind';

export interface DockerStartOptions {
  version: string;
  daemonOptions?: string[];
  uplink?: HostInterface;
  defaultVia?: string;
  baseline?: HostBaseline;
  /** Embedded-DNS ports of the dind baseline (random on real hosts). */
  dnsPorts?: { tcp: number; udp: number };
  /** Seed for the generated network and container ids. */
  seed?: number;
  /** net.ipv4.ip_forward before dockerd starts (a DinD host has it on already). Default '1'. */
  initialIpForward?: '0' | '1';
  /** The iptables interpreter; defaults to runIptables from src/netfilter/iptables. */
  iptables?: IptablesRunner;
}

export class DockerModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DockerModelError';
  }
}

interface NetworkState {
  name: string;
  id: string;
  /** Created with --subnet: only then may containers ask for an address (--ip). */
  userSubnet: boolean;
  bridge: string;
  subnet: string;
  gateway: string;
  ipRange?: string;
  internal: boolean;
  icc: boolean;
  masquerade: boolean;
  hostBindingIp: string;
  snatSource?: string;
  gatewayMode: GatewayMode;
  trustedHostInterfaces: string[];
  isDefault: boolean;
  options: Record<string, string>;
  addresses: SubnetAddresses;
}

interface Binding extends PortForward {
  /** docker-proxy listeners (IPv4 and, where started, its [::] twin). */
  listeners: Listener[];
  /** The [::] binding's host port, when one was allocated. */
  v6Port?: number;
}

interface ContainerState {
  name: string;
  id: string;
  options: ContainerOptions;
  /** 'bridge', a network name, 'host', 'none' or 'container:NAME'. */
  mode: string;
  /** Networks in attachment order: the primary first, then `network connect`s. */
  networks: string[];
  /** Static addresses per network (--ip, or `network connect --ip`). */
  staticIps: Map<string, string>;
  running: boolean;
  restartPolicy: string;
  /** network → address while running. */
  endpoints: Map<string, string>;
  bindings: Binding[];
}

const DEFAULT_UPLINK: HostInterface = {
  name: 'eth0',
  kind: 'ether',
  addresses: [{ address: '192.168.70.6', prefix: 24 }],
  up: true,
};

const BRIDGE_NAME_OPT = 'com.docker.network.bridge.name';
const ICC_OPT = 'com.docker.network.bridge.enable_icc';
const MASQ_OPT = 'com.docker.network.bridge.enable_ip_masquerade';
const HOST_BINDING_OPT = 'com.docker.network.bridge.host_binding_ipv4';
const HOST_IPV4_OPT = 'com.docker.network.host_ipv4';
/** 28.x: nat (default), nat-unprotected, routed. */
const GATEWAY_MODE_V4_OPT = 'com.docker.network.bridge.gateway_mode_ipv4';
/** 28.x: host interfaces (colon-separated) allowed to address containers directly. */
const TRUSTED_IFACES_OPT = 'com.docker.network.bridge.trusted_host_interfaces';
const GATEWAY_MODES: readonly GatewayMode[] = ['nat', 'nat-unprotected', 'routed'];
export const SUPPORTED_NETWORK_OPTIONS = [
  BRIDGE_NAME_OPT,
  ICC_OPT,
  MASQ_OPT,
  HOST_BINDING_OPT,
  HOST_IPV4_OPT,
  GATEWAY_MODE_V4_OPT,
  TRUSTED_IFACES_OPT,
  'com.docker.network.bridge.gateway_mode_ipv6',
  'com.docker.network.driver.mtu',
  'com.docker.network.bridge.enable_ipv6',
];

const optionBool = (v: string | undefined, dflt: boolean): boolean => (v === undefined ? dflt : v === 'true');

function gatewayModeOf(value: string | undefined): GatewayMode {
  if (value === undefined) return 'nat';
  if (!(GATEWAY_MODES as readonly string[]).includes(value)) {
    throw new DockerModelError(
      `Error response from daemon: failed to parse ${GATEWAY_MODE_V4_OPT} value: ${value} (unknown gateway mode ${value})`,
    );
  }
  return value as GatewayMode;
}

export class DockerDaemonModel {
  readonly profile: VersionProfile;
  readonly daemon: DaemonOptions;
  readonly fw: Firewall;
  /** The chain layout's rule writer (legacy or 28.x forward chains). */
  private readonly writer: BridgeRuleWriter;
  private readonly ids: IdSource;
  private readonly idSeed: number;
  /** Networks created so far (the default bridge included): part of each network's stable id. */
  private networksCreated = 0;
  /** The predefined-pool allocator, whose memory (20.10/26.1: rotation) a restart forgets. */
  private readonly pools: PredefinedPools;
  private readonly networks: NetworkState[] = [];
  private readonly containers: ContainerState[] = [];
  /** The same containers by name: lookups stay O(1) on a host with 10,000 of them. */
  private readonly containersByName = new Map<string, ContainerState>();
  private readonly sysctls: Record<string, string> = {};
  private readonly ports: PortAllocator;
  private readonly uplink: HostInterface;
  private readonly defaultVia: string;
  readonly baseline: HostBaseline;
  private dnsPorts: { tcp: number; udp: number };
  private readonly initialIpForward: '0' | '1';
  /** Snapshot of the ruleset right after daemon start (for tests and "what changed"). */
  readonly startRuleset: Ruleset;

  private constructor(options: DockerStartOptions) {
    this.profile = getProfile(options.version);
    this.daemon = parseDaemonOptions(options.daemonOptions ?? []);
    this.writer = ruleWriterFor(this.profile, { allowDirectRouting: this.daemon.allowDirectRouting });
    this.ids = new IdSource(options.seed);
    this.idSeed = options.seed ?? 0x2017;
    this.pools = new PredefinedPools(this.daemon.defaultAddressPools, this.profile.subnetOrder);
    this.fw = new Firewall(emptyRuleset(['filter', 'nat']), options.iptables);
    this.uplink = structuredClone(options.uplink ?? DEFAULT_UPLINK);
    this.defaultVia = options.defaultVia ?? '192.168.70.1';
    this.baseline = options.baseline ?? 'dind';
    this.dnsPorts = options.dnsPorts ?? { tcp: 42121, udp: 50570 };
    this.initialIpForward = options.initialIpForward ?? '1';
    this.sysctls['net.ipv4.ip_forward'] = this.initialIpForward;
    this.sysctls['net.ipv4.ip_local_port_range'] = '32768\t60999';
    const [lo, hi] = this.sysctls['net.ipv4.ip_local_port_range'].split('\t').map(Number);
    this.ports = new PortAllocator(
      lo ?? this.profile.fallbackPortRange[0],
      hi ?? this.profile.fallbackPortRange[1],
    );
    if (this.baseline === 'dind') installDnsRules(this.fw, this.dnsPorts.tcp, this.dnsPorts.udp);
    this.startDaemon();
    this.startRuleset = structuredClone(this.fw.ruleset);
  }

  static start(options: DockerStartOptions): DockerDaemonModel {
    return new DockerDaemonModel(options);
  }

  // ---- daemon ------------------------------------------------------------------------

  private get hairpin(): boolean {
    return !this.daemon.userlandProxy;
  }

  private startDaemon(restoreOrder?: readonly string[]): void {
    this.pools.reset();
    if (this.daemon.iptables) this.writer.startDriver(this.fw, { hairpin: this.hairpin });
    if (this.daemon.ipForward && this.sysctls['net.ipv4.ip_forward'] !== '1') {
      this.sysctls['net.ipv4.ip_forward'] = '1';
      // Docker turns forwarding on and, to stay safe, makes FORWARD drop by default
      // (28.x: unless --ip-forward-no-drop).
      if (this.daemon.iptables && !this.daemon.ipForwardNoDrop) this.fw.run(['-P', 'FORWARD', 'DROP']);
    }
    // Restore the stored bridge networks (their order on a real host is Go map order).
    const order = restoreOrder ? this.orderNetworks(restoreOrder) : [...this.networks];
    const restored: NetworkState[] = [];
    for (const n of order) {
      this.programNetwork(n, restored);
      restored.push(n);
    }
    if (this.daemon.iptables) this.writer.controllerUp(this.fw);
    const stale = this.networks.find((n) => n.isDefault);
    if (stale) this.deleteNetworkState(stale);
    this.createDefaultBridge();
  }

  private orderNetworks(names: readonly string[]): NetworkState[] {
    const out: NetworkState[] = [];
    for (const name of names) {
      const n = this.networks.find((x) => x.name === name || (name === 'docker0' && x.isDefault));
      if (!n) throw new DockerModelError(`restore order names network "${name}", which does not exist`);
      if (!out.includes(n)) out.push(n);
    }
    for (const n of this.networks) if (!out.includes(n)) out.push(n);
    return out;
  }

  private createDefaultBridge(): void {
    let subnet: string;
    let gateway: string;
    if (this.daemon.bip) {
      const c = parseCidr(this.daemon.bip);
      subnet = formatCidr(c);
      gateway = this.daemon.bip.split('/')[0] as string;
    } else {
      subnet = allocateSubnet(this.daemon.defaultAddressPools, this.usedSubnets());
      gateway = firstHost(subnet);
    }
    const addresses = new SubnetAddresses(subnet);
    addresses.reserve(gateway);
    const n: NetworkState = {
      name: 'bridge',
      id: this.networkId('bridge'),
      userSubnet: false,
      bridge: 'docker0',
      subnet,
      gateway,
      internal: false,
      icc: this.daemon.icc,
      masquerade: this.daemon.ipMasq,
      hostBindingIp: this.daemon.defaultBindIp,
      gatewayMode: 'nat',
      trustedHostInterfaces: [],
      isDefault: true,
      options: {},
      addresses,
    };
    this.addNetwork(n);
  }

  /**
   * `dockerd restart` (systemctl restart docker) as 20.10 does it: containers stop, the
   * DOCKER and isolation chains are flushed and rebuilt, stored networks are restored
   * (rules that still exist in FORWARD and POSTROUTING stay where they are), the default
   * bridge is deleted and created anew — so docker0's rules move to the top — and
   * containers with a restart policy start again.
   */
  restartDaemon(options: { restoreOrder?: readonly string[] } = {}): void {
    const toRestart = this.containers.filter(
      (c) => c.running && (c.restartPolicy === 'always' || c.restartPolicy === 'unless-stopped'),
    );
    for (const c of this.containers) if (c.running) this.stopContainer(c);
    this.startDaemon(options.restoreOrder);
    for (const c of toRestart) this.startContainer(c);
  }

  /**
   * The host reboots: iptables and sysctls are back to what the host had before dockerd
   * (the baseline), then dockerd starts and restores its networks and restart-policy
   * containers as in restartDaemon.
   */
  rebootHost(options: { restoreOrder?: readonly string[] } = {}): void {
    const toRestart = this.containers.filter(
      (c) => c.running && (c.restartPolicy === 'always' || c.restartPolicy === 'unless-stopped'),
    );
    for (const c of this.containers) if (c.running) this.stopContainer(c);
    const fresh = emptyRuleset(['filter', 'nat']);
    this.fw.ruleset.tables = fresh.tables;
    this.fw.forgetRegisteredBuiltins();
    if (this.baseline === 'dind') installDnsRules(this.fw, this.dnsPorts.tcp, this.dnsPorts.udp);
    for (const key of Object.keys(this.sysctls)) if (key.includes('.conf.')) delete this.sysctls[key];
    this.sysctls['net.ipv4.ip_forward'] = this.initialIpForward;
    this.startDaemon(options.restoreOrder);
    for (const c of toRestart) this.startContainer(c);
  }

  // ---- networks ----------------------------------------------------------------------

  private usedSubnets(): string[] {
    return this.networks.map((n) => n.subnet);
  }

  private network(name: string): NetworkState {
    const n = this.networks.find(
      (x) => x.name === name || x.id === name || (x.id.startsWith(name) && name.length >= 12),
    );
    if (!n) throw refuse.noSuchNetwork(this.profile, name);
    return n;
  }

  private ruleConfig(n: NetworkState): BridgeRuleConfig {
    return {
      bridge: n.bridge,
      subnet: n.subnet,
      icc: n.icc,
      masquerade: n.masquerade,
      internal: n.internal,
      hairpin: this.hairpin,
      ...(n.snatSource ? { snatSource: n.snatSource } : {}),
      gatewayMode: n.gatewayMode,
      trustedHostInterfaces: n.trustedHostInterfaces,
    };
  }

  /** The driver's createNetwork: per-network rules, then isolation against the others. */
  private programNetwork(n: NetworkState, others: readonly NetworkState[]): void {
    if (this.hairpin) this.sysctls[`net.ipv4.conf.${n.bridge}.route_localnet`] = '1';
    if (!this.daemon.iptables) return;
    this.writer.addNetwork(
      this.fw,
      this.ruleConfig(n),
      others.filter((o) => o !== n).map((o) => this.ruleConfig(o)),
    );
  }

  private addNetwork(n: NetworkState): void {
    this.programNetwork(n, this.networks);
    this.networks.push(n);
    if (this.daemon.iptables) this.writer.networkCreated(this.fw);
  }

  private deleteNetworkState(n: NetworkState): void {
    if (this.daemon.iptables) {
      this.writer.removeNetwork(
        this.fw,
        this.ruleConfig(n),
        this.networks.filter((o) => o !== n).map((o) => this.ruleConfig(o)),
      );
    }
    delete this.sysctls[`net.ipv4.conf.${n.bridge}.route_localnet`];
    this.networks.splice(this.networks.indexOf(n), 1);
  }

  createNetwork(o: NetworkOptions): NetworkInfo {
    if (o.driver && o.driver !== 'bridge') {
      throw new DockerModelError(`network driver "${o.driver}" is not modelled (only bridge)`);
    }
    // The docker CLI checks gateways against subnets before it asks the daemon.
    if ((o.gateway || o.ipRange) && !o.subnet) throw refuse.gatewayWithoutSubnet();
    if (o.gateway && o.subnet && isCidr(o.subnet) && !contains(parseCidr(o.subnet), parseIPv4(o.gateway))) {
      throw refuse.gatewayOutsideSubnet(o.gateway);
    }
    if (['bridge', 'host', 'none'].includes(o.name)) throw refuse.predefinedNetwork(o.name);
    if (this.networks.some((n) => n.name === o.name)) throw refuse.networkExists(o.name);
    const options = { ...(o.options ?? {}) };
    for (const key of Object.keys(options)) {
      if (!SUPPORTED_NETWORK_OPTIONS.includes(key)) {
        throw new DockerModelError(
          `network option "${key}" is not modelled (supported: ${SUPPORTED_NETWORK_OPTIONS.join(', ')})`,
        );
      }
    }
    if (o.subnet) {
      if (!isCidr(o.subnet)) throw refuse.invalidSubnet(this.profile, o.subnet);
      const canonical = formatCidr(parseCidr(o.subnet));
      // 26.1+ refuse host bits; 20.10 takes the network they name.
      if (canonical !== o.subnet && this.profile.refusals !== 'v20') {
        throw refuse.invalidSubnet(this.profile, o.subnet, canonical);
      }
      if (this.networks.some((n) => overlaps(parseCidr(n.subnet), parseCidr(canonical)))) {
        throw refuse.poolOverlaps(this.profile);
      }
    }
    const subnet = o.subnet ? formatCidr(parseCidr(o.subnet)) : this.pools.allocate(this.usedSubnets());
    const gateway = o.gateway ?? firstHost(subnet);
    const addresses = new SubnetAddresses(subnet, o.ipRange);
    addresses.reserve(gateway);
    const id = this.networkId(o.name);
    const bridge = options[BRIDGE_NAME_OPT] ?? `br-${id.slice(0, 12)}`;
    if (this.networks.some((n) => n.bridge === bridge)) {
      throw new refuse.DockerRefusal(`Error response from daemon: bridge name ${bridge} is already in use`);
    }
    const n: NetworkState = {
      name: o.name,
      id,
      userSubnet: o.subnet !== undefined,
      bridge,
      subnet,
      gateway,
      ...(o.ipRange ? { ipRange: o.ipRange } : {}),
      internal: o.internal ?? false,
      icc: optionBool(options[ICC_OPT], true),
      masquerade: optionBool(options[MASQ_OPT], true),
      hostBindingIp: options[HOST_BINDING_OPT] ?? this.daemon.defaultBindIp,
      ...(options[HOST_IPV4_OPT] ? { snatSource: options[HOST_IPV4_OPT] } : {}),
      gatewayMode: gatewayModeOf(options[GATEWAY_MODE_V4_OPT]),
      trustedHostInterfaces: (options[TRUSTED_IFACES_OPT] ?? '').split(':').filter((x) => x !== ''),
      isDefault: false,
      options,
      addresses,
    };
    this.addNetwork(n);
    return this.networkInfo(n);
  }

  /** A stable id: the same network name and creation ordinal give the same id (and br-<12 hex>) every run. */
  private networkId(name: string): string {
    return stableHex64(`network ${name} #${this.networksCreated++}`, this.idSeed);
  }

  private networkInfo(n: NetworkState): NetworkInfo {
    return { name: n.name, id: n.id, bridge: n.bridge, subnet: n.subnet, gateway: n.gateway };
  }

  inspectNetwork(name: string): NetworkInfo {
    return this.networkInfo(this.network(name));
  }

  listNetworks(): NetworkInfo[] {
    return this.networks.map((n) => this.networkInfo(n));
  }

  removeNetwork(name: string): void {
    const n = this.network(name);
    if (n.isDefault) {
      throw new refuse.DockerRefusal(
        `Error response from daemon: ${n.name} is a pre-defined network and cannot be removed`,
      );
    }
    const active = this.containers.filter((c) => c.endpoints.has(n.name));
    if (active.length > 0) throw refuse.networkHasActiveEndpoints(this.profile, n, active);
    this.deleteNetworkState(n);
    for (const c of this.containers) c.networks = c.networks.filter((x) => x !== n.name);
  }

  /**
   * Take the real host's id for a network (twin): Docker names an unnamed bridge
   * br-<first 12 of the id>, so that name and its rules follow the id.
   */
  learnNetworkId(network: string, id: string): void {
    const n = this.network(network);
    const derived = n.bridge === `br-${n.id.slice(0, 12)}`;
    n.id = id;
    if (derived) this.learnBridgeName(n.name, `br-${id.slice(0, 12)}`);
  }

  /** Replace the generated bridge name of a network by the real one, renaming its rules in place. */
  learnBridgeName(network: string, bridge: string): void {
    const n = this.network(network);
    const old = n.bridge;
    if (old === bridge) return;
    for (const table of this.fw.ruleset.tables) {
      for (const chain of table.chains) {
        let renamed = false;
        for (const rule of chain.rules) {
          let changed = false;
          for (const key of ['inInterface', 'outInterface'] as const) {
            const v = rule.spec[key];
            if (v && v.value === old) {
              v.value = bridge;
              changed = true;
            }
          }
          if (changed) rule.text = formatRuleSpec(rule.spec);
          renamed ||= changed;
        }
        // The chain's -C/-D index still knows the old texts.
        if (renamed) forgetRuleIndex(chain);
      }
    }
    for (const c of this.containers) for (const b of c.bindings) if (b.bridge === old) b.bridge = bridge;
    const key = `net.ipv4.conf.${old}.route_localnet`;
    if (this.sysctls[key] !== undefined) {
      this.sysctls[`net.ipv4.conf.${bridge}.route_localnet`] = this.sysctls[key] as string;
      delete this.sysctls[key];
    }
    n.bridge = bridge;
  }

  /** Put the embedded-DNS ports seen on the real host into the dind baseline rules. */
  learnDnsPorts(tcp: number, udp: number): void {
    this.dnsPorts = { tcp, udp };
    if (this.baseline === 'dind') writeDnsPortRules(this.fw, tcp, udp);
  }

  // ---- containers --------------------------------------------------------------------

  private container(name: string): ContainerState {
    // Docker looks up a name before an id prefix.
    const c =
      this.containersByName.get(name) ??
      (name.length >= 4 ? this.containers.find((x) => x.id.startsWith(name)) : undefined);
    if (!c) throw refuse.noSuchContainer(this.profile, name);
    return c;
  }

  create(o: ContainerOptions & { restart?: string }): ContainerInfo {
    if (!refuse.isValidContainerName(o.name)) throw refuse.invalidContainerName(o.name);
    const name = o.name.replace(/^\//, '');
    const taken = this.containersByName.get(name);
    if (taken) throw refuse.containerNameConflict(name, taken.id);
    const mode = o.network ?? 'bridge';
    let networks: string[] = [];
    if (mode.startsWith('container:')) this.container(mode.slice('container:'.length));
    // A network that does not exist fails the start, not the create (all versions measured).
    else if (mode !== 'host' && mode !== 'none')
      networks = [this.networks.find((n) => n.name === mode)?.name ?? mode];
    const staticIps = new Map<string, string>();
    // 20.10 ignores --ip when `docker run` names no network (measured: the container gets .2).
    const ignoredIp = o.network === undefined && !refuse.endpointChecksAtCreate(this.profile);
    if (o.ip && !ignoredIp) {
      const primary = networks[0];
      if (!primary) throw new DockerModelError(`--ip needs a bridge network, not --network ${mode}`);
      staticIps.set(primary, o.ip);
    }
    if (refuse.endpointChecksAtCreate(this.profile)) this.checkStaticIps(staticIps);
    const c: ContainerState = {
      name,
      id: this.ids.hex64(),
      options: structuredClone(o),
      mode,
      networks,
      staticIps,
      running: false,
      restartPolicy: o.restart ?? 'no',
      endpoints: new Map(),
      bindings: [],
    };
    this.containers.push(c);
    this.containersByName.set(name, c);
    return this.containerInfo(c);
  }

  run(o: ContainerOptions & { restart?: string }): ContainerInfo {
    this.create(o);
    this.start(o.name);
    return this.containerInfo(this.container(o.name));
  }

  private containerInfo(c: ContainerState): ContainerInfo {
    const primary = c.networks[0];
    const address = primary ? c.endpoints.get(primary) : undefined;
    return { name: c.name, id: c.id, network: c.mode, ...(address ? { address } : {}) };
  }

  /**
   * What Docker's embedded DNS (127.0.0.11) answers `from` for `name`: the address of a
   * running container with that name on a user-defined network both share. Containers
   * on the default bridge get the host's resolvers instead, which know no container
   * names — the reason seed 000 cannot ping test2 by name on docker0.
   */
  resolveName(from: string, name: string): string | undefined {
    const sender = this.container(from);
    const target = this.containersByName.get(name);
    if (!target?.running) return undefined;
    for (const network of sender.networks) {
      const state = this.networks.find((n) => n.name === network);
      if (!state || state.isDefault) continue;
      const address = target.endpoints.get(network);
      if (address) return address;
    }
    return undefined;
  }

  /**
   * The address a running container sends from to `dst`, as its routing table picks it:
   * the endpoint whose subnet holds `dst`, else the endpoint of its default route, which
   * libnetwork gives to the first non-internal network in lexical order of names (not the
   * first attached). undefined: no endpoint.
   */
  sourceAddress(name: string, dst: string): string | undefined {
    const c = this.container(name);
    const attached = [...c.endpoints].map(([network, address]) => ({ n: this.network(network), address }));
    const daddr = parseIPv4(dst);
    const connected = attached.find((e) => contains(parseCidr(e.n.subnet), daddr));
    if (connected) return connected.address;
    const routed = attached
      .filter((e) => !e.n.internal)
      .sort((a, b) => (a.n.name < b.n.name ? -1 : a.n.name > b.n.name ? 1 : 0));
    return (routed[0] ?? attached[0])?.address;
  }

  inspectContainer(name: string): ContainerInfo & { endpoints: Record<string, string>; running: boolean } {
    const c = this.container(name);
    return { ...this.containerInfo(c), endpoints: Object.fromEntries(c.endpoints), running: c.running };
  }

  start(name: string): void {
    const c = this.container(name);
    if (!c.running) this.startContainer(c);
  }

  stop(name: string): void {
    const c = this.container(name);
    if (c.running) this.stopContainer(c);
  }

  restart(name: string): void {
    const c = this.container(name);
    if (c.running) this.stopContainer(c);
    this.startContainer(c);
  }

  remove(name: string, options: { force?: boolean } = {}): void {
    const c = this.container(name);
    if (c.running && !options.force) {
      throw new refuse.DockerRefusal(
        `Error response from daemon: You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`,
      );
    }
    if (c.running) this.stopContainer(c);
    this.containers.splice(this.containers.indexOf(c), 1);
    this.containersByName.delete(c.name);
  }

  connect(network: string, container: string, ip?: string): void {
    const c = this.container(container);
    const n = this.network(network);
    if (c.networks.includes(n.name)) {
      throw new refuse.DockerRefusal(
        `Error response from daemon: endpoint with name ${c.name} already exists in network ${n.name}`,
      );
    }
    if (c.mode === 'host' || c.mode === 'none' || c.mode.startsWith('container:')) {
      throw new refuse.DockerRefusal(
        `Error response from daemon: container cannot be connected to networks: it uses --network ${c.mode}`,
      );
    }
    c.networks.push(n.name);
    if (ip) c.staticIps.set(n.name, ip);
    if (c.running) this.joinNetwork(c, n);
  }

  disconnect(network: string, container: string): void {
    const c = this.container(container);
    const n = this.network(network);
    if (!c.networks.includes(n.name)) {
      throw new refuse.DockerRefusal(
        `Error response from daemon: container ${c.name} is not connected to network ${n.name}`,
      );
    }
    if (c.networks[0] === n.name) this.unpublish(c);
    this.leaveNetwork(c, n);
    c.networks = c.networks.filter((x) => x !== n.name);
    c.staticIps.delete(n.name);
  }

  /** Docker's endpoint-settings checks of --ip (at create on 26.1+, at start on 20.10). */
  private checkStaticIps(staticIps: ReadonlyMap<string, string>): void {
    for (const [network, ip] of staticIps) {
      const n = this.networks.find((x) => x.name === network);
      if (!n) continue;
      const inSubnet = contains(parseCidr(n.subnet), parseIPv4(ip));
      const refusal = refuse.staticIpRefusal(
        this.profile,
        { name: n.name, isDefault: n.isDefault, userSubnet: n.userSubnet, contains: inSubnet },
        ip,
      );
      if (refusal) throw refusal;
    }
  }

  private joinNetwork(c: ContainerState, n: NetworkState): string {
    const fixed = c.staticIps.get(n.name);
    if (fixed && n.addresses.has(fixed)) throw refuse.startFailure(this.profile, 'Address already in use');
    const address = fixed ? n.addresses.reserve(fixed) : n.addresses.allocate();
    c.endpoints.set(n.name, address);
    if (this.daemon.iptables) this.writer.addEndpoint(this.fw, this.ruleConfig(n), address);
    return address;
  }

  private leaveNetwork(c: ContainerState, n: NetworkState): void {
    const address = c.endpoints.get(n.name);
    if (address) {
      if (this.daemon.iptables) this.writer.removeEndpoint(this.fw, this.ruleConfig(n), address);
      n.addresses.release(address);
    }
    c.endpoints.delete(n.name);
  }

  /** A start that fails (address or port taken) is rolled back: the container stays created. */
  private startContainer(c: ContainerState): void {
    c.running = true;
    try {
      if (!refuse.endpointChecksAtCreate(this.profile)) this.checkStaticIps(c.staticIps);
      for (const name of c.networks) {
        const n = this.networks.find((x) => x.name === name);
        if (!n) throw refuse.startFailure(this.profile, `network ${name} not found`);
        this.joinNetwork(c, n);
      }
      this.publish(c);
    } catch (e) {
      this.stopContainer(c);
      throw e;
    }
  }

  private stopContainer(c: ContainerState): void {
    this.unpublish(c);
    for (const name of [...c.endpoints.keys()]) this.leaveNetwork(c, this.network(name));
    c.running = false;
  }

  /** Port mappings of the container's primary network endpoint, in Docker's sorted order. */
  private publish(c: ContainerState): void {
    const primary = c.networks[0];
    const mappings = c.options.publish ?? [];
    if (!primary || mappings.length === 0) return;
    const n = this.network(primary);
    const address = c.endpoints.get(primary) as string;
    for (const m of orderPortMappings(mappings, this.profile.portOrder)) this.bindPort(c, n, address, m);
  }

  private bindPort(c: ContainerState, n: NetworkState, containerIp: string, m: PortMapping): void {
    // 28.x gateway mode "routed": no NAT, so no host port; the IPv4 binding is 0.0.0.0:0
    // and only opens the container's port in the DOCKER chain.
    const routed = n.gatewayMode === 'routed';
    const hostIp = routed ? '0.0.0.0' : (m.hostIp ?? n.hostBindingIp);
    const hostPort = routed ? 0 : this.ports.request(hostIp, m.protocol, m.hostPort);
    const b: Binding = {
      protocol: m.protocol,
      hostIp,
      hostPort,
      containerIp,
      containerPort: m.containerPort,
      bridge: n.bridge,
      hairpin: this.hairpin,
      listeners: [],
    };
    if (this.daemon.iptables) this.writer.forwardPort(this.fw, this.ruleConfig(n), '-A', b);
    if (this.daemon.userlandProxy && !routed) {
      b.listeners.push({
        protocol: m.protocol,
        address: hostIp,
        port: hostPort,
        forwardTo: { address: containerIp, port: m.containerPort },
        owner: 'docker-proxy',
      });
    }
    c.bindings.push(b);
    // 20.10+: with no host IP given (and the default binding IP 0.0.0.0) the port is bound
    // on [::] too, proxied to the IPv4 address; an explicit `-p 0.0.0.0:H:C` gets no twin.
    if (
      this.profile.ipv6ProxyTwin &&
      this.daemon.userlandProxy &&
      m.hostIp === undefined &&
      (routed ? n.hostBindingIp : hostIp) === '0.0.0.0'
    ) {
      const v6Port = this.ports.request('::', m.protocol, m.hostPort);
      b.v6Port = v6Port;
      b.listeners.push({
        protocol: m.protocol,
        address: '::',
        port: v6Port,
        forwardTo: { address: containerIp, port: m.containerPort },
        owner: 'docker-proxy (IPv6 twin)',
      });
    }
  }

  private unpublish(c: ContainerState): void {
    for (const b of c.bindings) {
      if (this.daemon.iptables) this.writer.forwardPort(this.fw, this.bindingNetwork(b), '-D', b);
      if (b.hostPort !== 0) this.ports.release(b.hostIp, b.protocol, b.hostPort);
      if (b.v6Port !== undefined) this.ports.release('::', b.protocol, b.v6Port);
    }
    c.bindings = [];
  }

  /** The rule config of the network a binding was made on (found by its bridge). */
  private bindingNetwork(b: Binding): BridgeRuleConfig {
    const n = this.networks.find((x) => x.bridge === b.bridge);
    if (!n) throw new DockerModelError(`no network with bridge ${b.bridge} for a port binding`);
    return this.ruleConfig(n);
  }

  // ---- host edits --------------------------------------------------------------------

  /** A hand-typed iptables command on the host. Docker does not notice or repair it. */
  iptables(argv: string[]): IptablesResult {
    return this.fw.run(argv[0] === 'iptables' ? argv.slice(1) : argv);
  }

  sysctl(key: string, value: string): void {
    this.sysctls[key.replaceAll('/', '.')] = value;
  }

  /** `kill docker-proxy`: the listener goes away, the iptables rules stay. */
  killDockerProxy(hostPort?: number): void {
    for (const c of this.containers) {
      for (const b of c.bindings) {
        b.listeners = b.listeners.filter((l) => hostPort !== undefined && l.port !== hostPort);
      }
    }
  }

  // ---- views -------------------------------------------------------------------------

  ruleset(): Ruleset {
    return this.fw.ruleset;
  }

  host(): HostState {
    const interfaces: HostInterface[] = [
      { name: 'lo', kind: 'loopback', addresses: [{ address: '127.0.0.1', prefix: 8 }], up: true },
      this.uplink,
      ...this.networks.map(
        (n): HostInterface => ({
          name: n.bridge,
          kind: 'bridge',
          addresses: [{ address: n.gateway, prefix: parseCidr(n.subnet).prefix }],
          up: true,
        }),
      ),
    ];
    const routes: Route[] = [{ destination: 'default', dev: this.uplink.name, via: this.defaultVia }];
    const listeners: Listener[] = [];
    const neighbours: Neighbour[] = [];
    for (const c of this.containers) {
      if (!c.running) continue;
      for (const b of c.bindings) listeners.push(...b.listeners);
      const served = this.servedPorts(c);
      if (c.mode === 'host') {
        for (const { protocol, port } of served)
          listeners.push({ protocol, address: '0.0.0.0', port, owner: c.name });
        continue;
      }
      const reaches = this.routesWithoutDefault(c);
      for (const [network, address] of c.endpoints) {
        neighbours.push({
          name: c.name,
          address,
          dev: this.network(network).bridge,
          listeners: served,
          answersPing: true,
          ...(reaches ? { reaches } : {}),
        });
      }
    }
    for (const c of this.containers) {
      if (!c.running || !c.mode.startsWith('container:')) continue;
      const owner = this.containers.find((x) => x.name === c.mode.slice('container:'.length));
      for (const nb of neighbours) {
        if (nb.name !== owner?.name) continue;
        nb.listeners = [...(nb.listeners ?? []), ...this.servedPorts(c)];
      }
    }
    return {
      ruleset: this.fw.ruleset,
      interfaces,
      routes,
      sysctls: { ...this.sysctls },
      listeners,
      neighbours,
      nftLazyBuiltinChains: true,
      materializedBuiltins: [...this.fw.registeredBuiltins],
    };
  }

  /**
   * The subnets a container routes to when it has no default route: on internal
   * networks only, with a profile that gives them none. undefined: it has one.
   */
  private routesWithoutDefault(c: ContainerState): string[] | undefined {
    if (this.profile.internalDefaultRoute || c.endpoints.size === 0) return undefined;
    const networks = [...c.endpoints.keys()].map((n) => this.network(n));
    return networks.every((n) => n.internal) ? networks.map((n) => n.subnet) : undefined;
  }

  /** The sockets a container's programs listen on (its HTTP server, nc -l, nc -u -l). */
  private servedPorts(c: ContainerState): Array<{ protocol: 'tcp' | 'udp'; port: number }> {
    const tcp = new Set<number>();
    if (c.options.httpPort !== undefined) tcp.add(c.options.httpPort);
    for (const p of c.options.tcpListenPorts ?? []) tcp.add(p);
    const udp = new Set(c.options.udpListenPorts ?? []);
    return [
      ...[...tcp].map((port) => ({ protocol: 'tcp' as const, port })),
      ...[...udp].map((port) => ({ protocol: 'udp' as const, port })),
    ];
  }
}
