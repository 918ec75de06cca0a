/**
 * What the daemon model knows: networks, containers and their endpoints and port
 * bindings, sysctls, the host's iptables tables and Docker's firewall backend. The
 * modules that act on it (daemon-networks.ts, daemon-containers.ts, port-bindings.ts,
 * host-view.ts) share this one state; daemon-model.ts is the public face.
 */
import type { ContainerOptions } from '../contract.ts';
import type { HostInterface, Listener } from '../netfilter/host-types.ts';
import type { DaemonOptions } from './daemon-options.ts';
import type { BridgeRuleConfig, Firewall, GatewayMode, PortForward } from './firewall.ts';
import type { IdSource } from './ids.ts';
import type { IPTable } from './ip-table.ts';
import type { PredefinedPools, SubnetAddresses } from './ipam.ts';
import type { SubnetAddresses6 } from './ipam6.ts';
import type { PortAllocator } from './port-allocator.ts';
import type { VersionProfile } from './profile.ts';
import * as refuse from './refusals.ts';

export type HostBaseline =
  /** A plain Linux host: empty iptables before dockerd starts. */
  | 'bare'
  /** A DinD container on a user-defined outer network: the outer engine's DNS rules are there first. */
  | 'dind';

export class DockerModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DockerModelError';
  }
}

/** The IPv6 half of a `--ipv6` network. */
export interface NetworkState6 {
  subnet: string;
  /** '' when none was reserved (gateway mode isolated without --gateway). */
  gateway: string;
  /** com.docker.network.bridge.gateway_mode_ipv6. */
  gatewayMode: GatewayMode;
  /** com.docker.network.host_ipv6. */
  snatSource?: string;
  addresses: SubnetAddresses6;
}

export interface NetworkState {
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
  /** `--ipv6` networks (and docker0 with the daemon's --ipv6). */
  ipv6?: NetworkState6;
}

export interface Binding extends PortForward {
  /** docker-proxy listeners (IPv4 and, where started, its [::] twin). */
  listeners: Listener[];
  /** The [::] binding's host port, when one was allocated. */
  v6Port?: number;
}

export interface ContainerState {
  name: string;
  id: string;
  options: ContainerOptions;
  /** 'bridge', a network name, 'host', 'none' or 'container:NAME'. */
  mode: string;
  /** Networks in attachment order: the primary first, then `network connect`s. */
  networks: string[];
  /** Static addresses per network (--ip, or `network connect --ip`). */
  staticIps: Map<string, string>;
  /** Network-scoped aliases per network (--network-alias, or `network connect --alias`). */
  aliases: Map<string, string[]>;
  running: boolean;
  restartPolicy: string;
  /** network → address while running. */
  endpoints: Map<string, string>;
  /** network → IPv6 address while running, on networks with IPv6. */
  endpoints6: Map<string, string>;
  bindings: Binding[];
}

export interface DaemonState {
  readonly profile: VersionProfile;
  readonly daemon: DaemonOptions;
  /** The host's iptables tables: Docker's rules on the iptables backend, hand-typed ones always. */
  readonly iptables: IPTable;
  /** The host's ip6tables tables: Docker's IPv6 rules (where it writes them) and hand-typed `ip6tables` lines. */
  readonly ip6tables: IPTable;
  /** Docker's firewall backend; undefined with --iptables=false. */
  readonly firewall: Firewall | undefined;
  readonly ids: IdSource;
  readonly idSeed: number;
  /** Networks created so far (the default bridge included): part of each network's stable id. */
  networksCreated: number;
  /** The predefined-pool allocator, whose memory (20.10/26.1: rotation) a restart forgets. */
  readonly pools: PredefinedPools;
  readonly networks: NetworkState[];
  /**
   * The networks the running daemon programmed, in that order, removed ones included: whose
   * firewalld reload callbacks it registered (profile.firewalldReload). A start forgets them.
   */
  readonly reloadRegistrations: NetworkState[];
  readonly containers: ContainerState[];
  /** The same containers by name: lookups stay O(1) on a host with 10,000 of them. */
  readonly containersByName: Map<string, ContainerState>;
  readonly sysctls: Record<string, string>;
  readonly ports: PortAllocator;
  readonly uplink: HostInterface;
  /** The uplink's IPv4 default router; none: the host has no default route. */
  readonly defaultVia?: string;
  /** The uplink's IPv6 default router, when the host has one. */
  readonly defaultVia6?: string;
}

/** --userland-proxy=false: Docker's NAT rules handle what docker-proxy would. */
export const hairpinOf = (s: DaemonState): boolean => !s.daemon.userlandProxy;

/** A network by name, full id, or an id prefix of 12+ characters. */
export function findNetwork(s: DaemonState, name: string): NetworkState {
  const n = s.networks.find(
    (x) => x.name === name || x.id === name || (x.id.startsWith(name) && name.length >= 12),
  );
  if (!n) throw refuse.noSuchNetwork(s.profile, name);
  return n;
}

/** A container by name, else by an id prefix of 4+ characters (Docker looks up names first). */
export function findContainer(s: DaemonState, name: string): ContainerState {
  const c =
    s.containersByName.get(name) ??
    (name.length >= 4 ? s.containers.find((x) => x.id.startsWith(name)) : undefined);
  if (!c) throw refuse.noSuchContainer(s.profile, name);
  return c;
}

/** What the firewall backend needs to know about a network. */
export function ruleConfig(s: DaemonState, n: NetworkState): BridgeRuleConfig {
  return {
    bridge: n.bridge,
    subnet: n.subnet,
    icc: n.icc,
    masquerade: n.masquerade,
    internal: n.internal,
    hairpin: hairpinOf(s),
    ...(n.snatSource ? { snatSource: n.snatSource } : {}),
    gatewayMode: n.gatewayMode,
    trustedHostInterfaces: n.trustedHostInterfaces,
    ...(n.ipv6
      ? {
          ipv6: {
            subnet: n.ipv6.subnet,
            gatewayMode: n.ipv6.gatewayMode,
            ...(n.ipv6.snatSource ? { snatSource: n.ipv6.snatSource } : {}),
          },
        }
      : {}),
  };
}
