/**
 * DockerDaemonModel: a pure model of Docker's networking control plane. Each action tells
 * Docker's firewall backend (firewall.ts: iptables today, 29.x's nftables beside it) what
 * changed, and keeps the rest of the host in step: bridges and their addresses, containers
 * as neighbours, docker-proxy listeners, sysctls. `host()` is what the packet path runs on.
 * The work is done by the modules that share its DaemonState: daemon-networks.ts,
 * daemon-containers.ts, port-bindings.ts, host-view.ts; what dockerd does at each start
 * (boot, restart, reboot) is daemon-start.ts.
 */
import type { ContainerInfo, NetworkInfo, NetworkOptions } from '../contract.ts';
import type { HostState } from '../netfilter/host-types.ts';
import type { NftRuleset } from '../netfilter/nft/types.ts';
import { emptyRuleset } from '../netfilter/ruleset/index.ts';
import type { Ruleset } from '../netfilter/types.ts';
import {
  type CreateOptions,
  connect,
  containerInfo,
  createContainer,
  disconnect,
  removeContainer,
  resolveName,
  sourceAddress,
  startContainer,
  stopContainer,
} from './daemon-containers.ts';
import { ip6tablesEnabled } from './daemon-ipv6.ts';
import {
  createNetwork,
  learnBridgeName,
  learnNetworkId,
  networkInfo,
  reloadedNetworks,
  removeNetwork,
} from './daemon-networks.ts';
import { type DaemonOptions, parseDaemonOptions } from './daemon-options.ts';
import {
  DEFAULT_UPLINK,
  type DockerStartOptions,
  restartPolicyContainers,
  startDaemon,
} from './daemon-start.ts';
import {
  type DaemonState,
  DockerModelError,
  findContainer,
  findNetwork,
  type HostBaseline,
} from './daemon-state.ts';
import { installDnsRules, writeDnsPortRules } from './dind-baseline.ts';
import type { Firewall, FirewallConfig } from './firewall.ts';
import { createFirewall } from './firewall-select.ts';
import { hostView } from './host-view.ts';
import { IdSource } from './ids.ts';
import { IPTable, type IptablesResult } from './ip-table.ts';
import { PredefinedPools } from './ipam.ts';
import { SUPPORTED_NETWORK_OPTIONS } from './network-options.ts';
import { PortAllocator } from './port-allocator.ts';
import { killDockerProxy } from './port-bindings.ts';
import { getProfile, type VersionProfile } from './profile.ts';
import { type ServiceInfo, type ServiceSpec, SwarmMode } from './swarm.ts';

export { DockerModelError, type DockerStartOptions, type HostBaseline, SUPPORTED_NETWORK_OPTIONS };

export class DockerDaemonModel {
  readonly profile: VersionProfile;
  readonly daemon: DaemonOptions;
  /** The host's iptables tables (Docker's rules on the iptables backend; `log` of every change). */
  readonly fw: IPTable;
  /** The host's ip6tables tables (Docker's IPv6 rules where it writes them; hand-typed `ip6tables` lines). */
  readonly fw6: IPTable;
  /** Docker writes ip6tables rules for IPv6 networks (`--ip6tables`, per version). */
  readonly ip6tables: boolean;
  /** Docker's firewall backend; undefined with --iptables=false. */
  readonly firewall: Firewall | undefined;
  readonly baseline: HostBaseline;
  private readonly s: DaemonState;
  private dnsPorts: { tcp: number; udp: number };
  private readonly initialIpForward: '0' | '1';
  /** An IPv6 network or an `ip6tables` line was seen: ruleset6() shows ip6tables' tables from then on. */
  private ipv6Used: boolean;
  /** `docker swarm init` ran (swarm.ts): docker_gwbridge, the ingress sandbox, services. */
  private swarm: SwarmMode | undefined;

  private constructor(options: DockerStartOptions) {
    this.profile = getProfile(options.version);
    this.daemon = parseDaemonOptions(options.daemonOptions ?? []);
    this.fw = new IPTable(emptyRuleset(['filter', 'nat']), options.iptables);
    this.fw6 = new IPTable(emptyRuleset(['filter', 'nat']), options.iptables, 'ipv6');
    this.ip6tables = ip6tablesEnabled(this.profile, this.daemon);
    this.ipv6Used = this.daemon.ipv6;
    const config: FirewallConfig = {
      profile: this.profile,
      hairpin: !this.daemon.userlandProxy,
      allowDirectRouting: this.daemon.allowDirectRouting,
      iptables: this.fw,
      ...(this.ip6tables ? { ip6tables: this.fw6 } : {}),
    };
    this.firewall = options.firewall ? options.firewall(config) : createFirewall(this.daemon, config);
    this.baseline = options.baseline ?? 'dind';
    this.dnsPorts = options.dnsPorts ?? { tcp: 42121, udp: 50570 };
    this.initialIpForward = options.initialIpForward ?? '1';
    const sysctls: Record<string, string> = {
      'net.ipv4.ip_forward': this.initialIpForward,
      'net.ipv4.ip_local_port_range': '32768\t60999',
    };
    const [lo, hi] = (sysctls['net.ipv4.ip_local_port_range'] as string).split('\t').map(Number);
    this.s = {
      profile: this.profile,
      daemon: this.daemon,
      iptables: this.fw,
      ip6tables: this.fw6,
      firewall: this.firewall,
      ids: new IdSource(options.seed),
      idSeed: options.seed ?? 0x2017,
      networksCreated: 0,
      pools: new PredefinedPools(this.daemon.defaultAddressPools, this.profile.subnetOrder),
      networks: [],
      reloadRegistrations: [],
      containers: [],
      containersByName: new Map(),
      sysctls,
      ports: new PortAllocator(
        lo ?? this.profile.fallbackPortRange[0],
        hi ?? this.profile.fallbackPortRange[1],
      ),
      uplink: structuredClone(options.uplink ?? DEFAULT_UPLINK),
      ...(options.defaultVia !== null ? { defaultVia: options.defaultVia ?? '192.168.70.1' } : {}),
      ...(options.defaultVia6 ? { defaultVia6: options.defaultVia6 } : {}),
    };
    if (this.baseline === 'dind') installDnsRules(this.fw, this.dnsPorts.tcp, this.dnsPorts.udp);
    startDaemon(this.s, this.ip6tables);
  }

  static start(options: DockerStartOptions): DockerDaemonModel {
    return new DockerDaemonModel(options);
  }

  // ---- daemon ------------------------------------------------------------------------

  /**
   * `dockerd restart` (systemctl restart docker) as 20.10 does it: containers stop, the
   * DOCKER and isolation chains are flushed and rebuilt, stored networks are restored
   * (rules that still exist in FORWARD and POSTROUTING stay where they are), the default
   * bridge is deleted and created anew — so docker0's rules move to the top — and
   * containers with a restart policy start again.
   */
  restartDaemon(options: { restoreOrder?: readonly string[] } = {}): void {
    if (this.swarm) throw SwarmMode.notModelled('a daemon restart');
    const toRestart = restartPolicyContainers(this.s);
    for (const c of this.s.containers) if (c.running) stopContainer(this.s, c);
    startDaemon(this.s, this.ip6tables, options.restoreOrder);
    for (const c of toRestart) startContainer(this.s, c);
  }

  /**
   * The host reboots: iptables and sysctls are back to what the host had before dockerd
   * (the baseline), then dockerd starts and restores its networks and restart-policy
   * containers as in restartDaemon.
   */
  rebootHost(options: { restoreOrder?: readonly string[] } = {}): void {
    if (this.swarm) throw SwarmMode.notModelled('a reboot');
    const toRestart = restartPolicyContainers(this.s);
    for (const c of this.s.containers) if (c.running) stopContainer(this.s, c);
    this.fw.replaceTables(emptyRuleset(['filter', 'nat']));
    this.fw6.replaceTables(emptyRuleset(['filter', 'nat']));
    this.firewall?.hostRebooted();
    if (this.baseline === 'dind') installDnsRules(this.fw, this.dnsPorts.tcp, this.dnsPorts.udp);
    const sysctls = this.s.sysctls;
    for (const key of Object.keys(sysctls)) if (key.includes('.conf.')) delete sysctls[key];
    sysctls['net.ipv4.ip_forward'] = this.initialIpForward;
    startDaemon(this.s, this.ip6tables, options.restoreOrder);
    for (const c of toRestart) startContainer(this.s, c);
  }

  /**
   * firewalld announced a reload (`firewall-cmd --reload`): the backend re-creates its
   * chains and every network's, endpoint's and port's rules (moby 28.3.3+, moby#50443);
   * before 28.0 the callbacks of removed networks run too (profile.firewalldReload).
   * Returns the bridges Docker binds to its firewalld zone again, in that order.
   */
  firewallReload(): string[] {
    if (!this.firewall) return [];
    const reloaded = reloadedNetworks(this.s);
    this.firewall.reload(reloaded.map((r) => r.programmed));
    return [...new Set(reloaded.map((r) => r.bridge))];
  }

  // ---- networks ----------------------------------------------------------------------

  createNetwork(o: NetworkOptions): NetworkInfo {
    const info = createNetwork(this.s, o);
    if (info.subnet6) this.ipv6Used = true;
    this.swarm?.networkCreated();
    return info;
  }

  // ---- swarm (swarm.ts) --------------------------------------------------------------

  /** `docker swarm init`: a one-node swarm; docker_gwbridge and the ingress sandbox join the host. */
  swarmInit(): void {
    if (this.swarm) throw SwarmMode.alreadyInSwarm();
    this.swarm = SwarmMode.init(this);
  }

  /** `docker service create`: its tasks, and DOCKER-INGRESS rules for the ports it publishes. */
  createService(spec: ServiceSpec): ServiceInfo {
    if (!this.swarm) throw SwarmMode.notAManager();
    return this.swarm.createService(spec);
  }

  inspectNetwork(name: string): NetworkInfo {
    return networkInfo(findNetwork(this.s, name));
  }

  listNetworks(): NetworkInfo[] {
    return this.s.networks.map(networkInfo);
  }

  removeNetwork(name: string): void {
    removeNetwork(this.s, name);
  }

  /** Take the real host's id for a network (twin); an unnamed bridge (br-<12 hex>) follows it. */
  learnNetworkId(network: string, id: string): void {
    learnNetworkId(this.s, network, id);
  }

  /** Replace the generated bridge name of a network by the real one, renaming its rules in place. */
  learnBridgeName(network: string, bridge: string): void {
    learnBridgeName(this.s, network, bridge);
  }

  /** Put the embedded-DNS ports seen on the real host into the dind baseline rules. */
  learnDnsPorts(tcp: number, udp: number): void {
    this.dnsPorts = { tcp, udp };
    if (this.baseline === 'dind') writeDnsPortRules(this.fw, tcp, udp);
  }

  // ---- containers --------------------------------------------------------------------

  create(o: CreateOptions): ContainerInfo {
    return containerInfo(createContainer(this.s, o));
  }

  run(o: CreateOptions): ContainerInfo {
    this.create(o);
    this.start(o.name);
    return containerInfo(findContainer(this.s, o.name));
  }

  /** What Docker's embedded DNS answers `from` for `name` (daemon-containers.ts resolveName). */
  resolveName(from: string, name: string, family?: 'ipv6'): string | undefined {
    return resolveName(this.s, from, name, family);
  }

  /** The address a running container sends from to `dst` (daemon-containers.ts sourceAddress). */
  sourceAddress(name: string, dst: string): string | undefined {
    return sourceAddress(this.s, name, dst);
  }

  inspectContainer(name: string): ContainerInfo & { endpoints: Record<string, string>; running: boolean } {
    const c = findContainer(this.s, name);
    return { ...containerInfo(c), endpoints: Object.fromEntries(c.endpoints), running: c.running };
  }

  start(name: string): void {
    const c = findContainer(this.s, name);
    if (!c.running) startContainer(this.s, c);
  }

  stop(name: string): void {
    const c = findContainer(this.s, name);
    if (c.running) stopContainer(this.s, c);
  }

  restart(name: string): void {
    const c = findContainer(this.s, name);
    if (c.running) stopContainer(this.s, c);
    startContainer(this.s, c);
  }

  remove(name: string, options: { force?: boolean } = {}): void {
    removeContainer(this.s, name, options);
  }

  connect(network: string, container: string, ip?: string, aliases?: string[]): void {
    connect(this.s, network, container, ip, aliases);
  }

  disconnect(network: string, container: string): void {
    disconnect(this.s, network, container);
  }

  // ---- host edits --------------------------------------------------------------------

  /** A hand-typed iptables (or `ip6tables …`) command on the host. Docker does not notice or repair it. */
  iptables(argv: string[]): IptablesResult {
    if (argv[0] === 'ip6tables') {
      this.ipv6Used = true;
      return this.fw6.run(argv.slice(1));
    }
    return this.fw.run(argv[0] === 'iptables' ? argv.slice(1) : argv);
  }

  sysctl(key: string, value: string): void {
    this.s.sysctls[key.replaceAll('/', '.')] = value;
  }

  /** `kill docker-proxy`: the listener goes away, the firewall rules stay. */
  killDockerProxy(hostPort?: number): void {
    killDockerProxy(this.s, hostPort);
  }

  // ---- views -------------------------------------------------------------------------

  /** The host's iptables tables (iptables-save). */
  ruleset(): Ruleset {
    return this.fw.ruleset;
  }

  /**
   * The host's ip6tables tables (ip6tables-save), or undefined while no network has IPv6
   * and no ip6tables line was typed: an IPv4-only host is shown as before.
   */
  ruleset6(): Ruleset | undefined {
    return this.ipv6Used ? this.fw6.ruleset : undefined;
  }

  /** The native nft tables Docker's backend wrote (29.x nftables); undefined on iptables. */
  nftRuleset(): NftRuleset | undefined {
    return this.firewall?.nftRuleset();
  }

  /** The live host the packet path runs on. */
  host(): HostState {
    return hostView(this.s);
  }
}
