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

/**
 * com.docker.network.bridge.gateway_mode_ipv4 / _ipv6 (28.x+). 'isolated' (internal
 * networks only) gives the bridge no address of that family; its rules are an internal
 * network's.
 */
export type GatewayMode = 'nat' | 'nat-unprotected' | 'routed' | 'isolated';

/** The IPv6 half of a network with IPv6 enabled (moby firewaller.NetworkConfig.Config6). */
export interface BridgeRuleConfig6 {
  /** The network's IPv6 subnet, e.g. fd00:1::/64. */
  subnet: string;
  /** com.docker.network.host_ipv6: SNAT to this address instead of MASQUERADE. */
  snatSource?: string;
  /** com.docker.network.bridge.gateway_mode_ipv6. */
  gatewayMode?: GatewayMode;
}

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
  /** `--ipv6`: the network's IPv6 half; ip6tables rules are written for it when the daemon has ip6tables. */
  ipv6?: BridgeRuleConfig6;
}

/** One published port (moby types.PortBinding). */
export interface PortForward {
  protocol: 'tcp' | 'udp';
  /** Host address the port is bound to; "0.0.0.0" (or "::" for an IPv6 binding) for all. */
  hostIp: string;
  /** 0: gateway mode "routed", which maps no host port (nothing to DNAT). */
  hostPort: number;
  /** The container's address: its family says which table (iptables or ip6tables) gets the rules. */
  containerIp: string;
  containerPort: number;
  bridge: string;
  hairpin: boolean;
}

/** A network as the daemon has programmed it: what a reload re-creates. */
export interface ProgrammedNetwork {
  config: BridgeRuleConfig;
  /** Container endpoints' addresses on it (IPv4, and IPv6 where the network has it). */
  endpoints: readonly string[];
  /** Published ports of containers whose gateway network it is. */
  ports: readonly PortForward[];
  /**
   * Removed, but its reload callbacks outlived it (profile.firewalldReload 'registered'):
   * a reload writes its network rules again, without endpoints, ports or isolation.
   */
  removed?: true;
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
   * Docker has just turned net.ipv4.ip_forward on ('ipv4', the default) or IPv6
   * forwarding (net.ipv6.conf.{all,default}.forwarding, when the first IPv6 network is
   * created: 'ipv6'): forwarding that is not Docker's is dropped by default
   * (iptabler.FilterForwardDrop: `-P FORWARD DROP` in that family's filter table). A backend
   * without it (29.x nftables) cannot: the daemon then refuses to start while forwarding is off.
   */
  filterForwardDrop?(family?: 'ipv4' | 'ipv6'): void;
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
  /** A container endpoint with this address (IPv4, or IPv6 on an IPv6 network) joins / leaves the network. */
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
  /**
   * The host's ip6tables tables when the daemon writes ip6tables rules (`--ip6tables`, on by
   * default since 27.0); absent: IPv6 networks get no firewall rules at all.
   */
  ip6tables?: IPTable;
}
