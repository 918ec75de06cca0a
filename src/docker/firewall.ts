/**
 * What Docker's bridge driver needs from a firewall backend, after moby's
 * `firewaller.Firewaller` / `firewaller.Network` (29.x), its `filterForwardDropper`
 * check and firewalld's `OnReloaded` callbacks. The daemon model calls only this; an
 * implementation decides which rules each event writes and where: iptables chains
 * (iptables-firewall.ts) or Docker 29's `table ip docker-bridges` (nftables backend).
 */
import type { NftRuleset } from '../netfilter/nft/types.ts';
import type { IPTable } from './ip-table.ts';
import type { FirewallBackend, VersionProfile } from './profile.ts';

export type { FirewallBackend };

/** com.docker.network.bridge.gateway_mode_ipv4 (28.x+). */
export type GatewayMode = 'nat' | 'nat-unprotected' | 'routed';

/** What the rules of one bridge network depend on (moby firewaller.NetworkConfig, IPv4). */
export interface BridgeRuleConfig {
  bridge: string;
  /** The network's subnet, e.g. 172.18.0.0/16. */
  subnet: string;
  icc: boolean;
  masquerade: boolean;
  internal: boolean;
  /** com.docker.network.host_ipv4: SNAT to this address instead of MASQUERADE. */
  snatSource?: string;
  /** --userland-proxy=false. */
  hairpin: boolean;
  /**
   * 'nat' (default), 'nat-unprotected' (no per-port filtering, no direct-routing drops)
   * or 'routed' (no NAT at all).
   */
  gatewayMode?: GatewayMode;
  /** com.docker.network.bridge.trusted_host_interfaces (28.x+): may reach containers directly. */
  trustedHostInterfaces?: readonly string[];
}

/** One published port (moby types.PortBinding). */
export interface PortForward {
  protocol: 'tcp' | 'udp';
  /** Host address the port is bound to; "0.0.0.0" for all. */
  hostIp: string;
  /** 0: gateway mode "routed", which maps no host port (nothing to DNAT). */
  hostPort: number;
  containerIp: string;
  containerPort: number;
  bridge: string;
  hairpin: boolean;
}

/** A network as the daemon has programmed it: what a reload re-creates. */
export interface ProgrammedNetwork {
  config: BridgeRuleConfig;
  /** Container endpoints' IPv4 addresses on it. */
  endpoints: readonly string[];
  /** Published ports of containers whose gateway network it is. */
  ports: readonly PortForward[];
}

export interface Firewall {
  readonly backend: FirewallBackend;
  /**
   * The driver starts (dockerd start, restart, after a reboot): a previous daemon's rules
   * are cleaned up and the base chains set up (NewIptabler: removeIPChains and
   * setupIPChains; NewNftabler: the docker-bridges table's base chains and maps).
   */
  setupBaseChains(): void;
  /**
   * Docker has just turned net.ipv4.ip_forward on: forwarding that is not Docker's is
   * dropped by default (iptabler.FilterForwardDrop: `-P FORWARD DROP`). A backend without
   * it (29.x nftables) cannot: the daemon then refuses to start while forwarding is off.
   */
  filterForwardDrop?(): void;
  /**
   * The DOCKER-USER hook, at the two moments Docker touches it: 'controller-start' (28.x:
   * created, its FORWARD jump moved to the top) and 'network-created' (17.06 … 26.1:
   * re-arranged after every network). A backend without DOCKER-USER does nothing.
   */
  arrangeUserChain(moment: 'controller-start' | 'network-created'): void;
  /**
   * A bridge network's network-level rules (NewNetwork). `others` are the networks
   * programmed before it: 17.03's pairwise isolation writes a DROP per pair.
   */
  addNetwork(n: BridgeRuleConfig, others: readonly BridgeRuleConfig[]): void;
  /** DelNetworkLevelRules; `others` are the networks that stay. */
  delNetwork(n: BridgeRuleConfig, others: readonly BridgeRuleConfig[]): void;
  /** A container endpoint with this IPv4 address joins / leaves the network. */
  addEndpoint(n: BridgeRuleConfig, address: string): void;
  delEndpoint(n: BridgeRuleConfig, address: string): void;
  /**
   * A container's published ports on its gateway network, in Docker's sorted order
   * (AddPorts / DelPorts): once per container start and stop, with all its bindings.
   */
  addPorts(n: BridgeRuleConfig, ports: readonly PortForward[]): void;
  delPorts(n: BridgeRuleConfig, ports: readonly PortForward[]): void;
  /**
   * firewalld announced a reload, whose flush may have taken Docker's rules: re-create
   * what the backend's OnReloaded callbacks and the driver's handleFirewalldReload do.
   */
  reload(networks: readonly ProgrammedNetwork[]): void;
  /**
   * The host rebooted: the kernel's tables are empty again. A backend that keeps its own
   * tables empties them in place (the daemon resets the host's iptables tables itself);
   * setupBaseChains follows when dockerd starts.
   */
  hostRebooted(): void;
  /**
   * The twin learnt a bridge's real name: rename it in the rules this backend keeps
   * itself. Rules in the host's iptables tables are renamed by the daemon (hand-typed
   * rules name bridges too), so the iptables backend has nothing to do.
   */
  renameBridge(from: string, to: string): void;
  /**
   * The native nft tables this backend wrote (`table ip docker-bridges`), the live object
   * the packet path walks and `nft …` host commands edit; undefined for a backend whose
   * rules live in the host's iptables tables.
   */
  nftRuleset(): NftRuleset | undefined;
}

/** What a backend is built from (moby firewaller.Config, with the version profile). */
export interface FirewallConfig {
  profile: VersionProfile;
  /** --userland-proxy=false: Docker's NAT handles traffic a proxy would take. */
  hairpin: boolean;
  /** --allow-direct-routing (28.x+): no drops for packets addressed to a container directly. */
  allowDirectRouting: boolean;
  /** The host's iptables tables (DinD DNS rules and hand-typed commands live there too). */
  iptables: IPTable;
}
