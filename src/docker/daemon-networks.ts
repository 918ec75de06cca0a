/**
 * Bridge networks through their life: the default bridge at each daemon start, user
 * networks created and removed, their rules programmed through the firewall backend, and
 * the real host's ids and bridge names learnt on twin.
 */
import type { NetworkInfo, NetworkOptions } from '../contract.ts';
import { formatCidr, parseCidr } from '../netfilter/address/index.ts';
import { defaultBridge6, enableIpv6Forwarding } from './daemon-ipv6.ts';
import {
  type DaemonState,
  DockerModelError,
  findNetwork,
  hairpinOf,
  type NetworkState,
  ruleConfig,
} from './daemon-state.ts';
import type { ProgrammedNetwork } from './firewall.ts';
import { allocateSubnet, firstHost, SubnetAddresses } from './ipam.ts';
import { networkId, userNetworkState } from './network-options.ts';
import * as refuse from './refusals.ts';

export function networkInfo(n: NetworkState): NetworkInfo {
  const v6 = n.ipv6
    ? { subnet6: n.ipv6.subnet, ...(n.ipv6.gateway ? { gateway6: n.ipv6.gateway } : {}) }
    : {};
  return { name: n.name, id: n.id, bridge: n.bridge, subnet: n.subnet, gateway: n.gateway, ...v6 };
}

/** The driver's createNetwork: per-network rules, then isolation against the others. */
export function programNetwork(s: DaemonState, n: NetworkState, others: readonly NetworkState[]): void {
  if (hairpinOf(s)) s.sysctls[`net.ipv4.conf.${n.bridge}.route_localnet`] = '1';
  // The bridge's setup turns IPv6 forwarding on (new and restored networks alike).
  if (n.ipv6) enableIpv6Forwarding(s);
  s.reloadRegistrations.push(n);
  s.firewall?.addNetwork(
    ruleConfig(s, n),
    others.filter((o) => o !== n).map((o) => ruleConfig(s, o)),
  );
}

function addNetwork(s: DaemonState, n: NetworkState): void {
  programNetwork(s, n, s.networks);
  s.networks.push(n);
  s.firewall?.arrangeUserChain('network-created');
}

export function deleteNetworkState(s: DaemonState, n: NetworkState): void {
  s.firewall?.delNetwork(
    ruleConfig(s, n),
    s.networks.filter((o) => o !== n).map((o) => ruleConfig(s, o)),
  );
  delete s.sysctls[`net.ipv4.conf.${n.bridge}.route_localnet`];
  s.networks.splice(s.networks.indexOf(n), 1);
}

/** The stored networks in the order a restarting daemon restores them (Go map order on a real host). */
export function orderNetworks(s: DaemonState, names: readonly string[]): NetworkState[] {
  const out: NetworkState[] = [];
  for (const name of names) {
    const n = s.networks.find((x) => x.name === name || (name === 'docker0' && x.isDefault));
    if (!n) throw new DockerModelError(`restore order names network "${name}", which does not exist`);
    if (!out.includes(n)) out.push(n);
  }
  for (const n of s.networks) if (!out.includes(n)) out.push(n);
  return out;
}

/** docker0: --bip, else the first free predefined pool; icc, masquerade and binding IP from the daemon. */
export function createDefaultBridge(s: DaemonState): void {
  let subnet: string;
  let gateway: string;
  if (s.daemon.bip) {
    subnet = formatCidr(parseCidr(s.daemon.bip));
    gateway = s.daemon.bip.split('/')[0] as string;
  } else {
    subnet = allocateSubnet(
      s.daemon.defaultAddressPools,
      s.networks.map((n) => n.subnet),
    );
    gateway = firstHost(subnet);
  }
  const addresses = new SubnetAddresses(subnet);
  addresses.reserve(gateway);
  const ipv6 = defaultBridge6(s);
  addNetwork(s, {
    name: 'bridge',
    id: networkId(s, 'bridge'),
    userSubnet: false,
    bridge: 'docker0',
    subnet,
    gateway,
    internal: false,
    icc: s.daemon.icc,
    masquerade: s.daemon.ipMasq,
    hostBindingIp: s.daemon.defaultBindIp,
    gatewayMode: 'nat',
    trustedHostInterfaces: [],
    isDefault: true,
    options: {},
    addresses,
    ...(ipv6 ? { ipv6 } : {}),
  });
}

export function createNetwork(s: DaemonState, o: NetworkOptions): NetworkInfo {
  const n = userNetworkState(s, o);
  addNetwork(s, n);
  return networkInfo(n);
}

export function removeNetwork(s: DaemonState, name: string): void {
  const n = findNetwork(s, name);
  if (n.isDefault) {
    throw new refuse.DockerRefusal(
      `Error response from daemon: ${n.name} is a pre-defined network and cannot be removed`,
    );
  }
  const active = s.containers.filter((c) => c.endpoints.has(n.name));
  if (active.length > 0) throw refuse.networkHasActiveEndpoints(s.profile, n, active);
  deleteNetworkState(s, n);
  for (const c of s.containers) c.networks = c.networks.filter((x) => x !== n.name);
}

/** Replace the generated bridge name of a network by the real one, renaming its rules in place. */
export function learnBridgeName(s: DaemonState, network: string, bridge: string): void {
  const n = findNetwork(s, network);
  const old = n.bridge;
  if (old === bridge) return;
  // Both families: an IPv6 network's ip6tables rules name the bridge too.
  s.iptables.renameInterface(old, bridge);
  s.ip6tables.renameInterface(old, bridge);
  s.firewall?.renameBridge(old, bridge);
  for (const c of s.containers) for (const b of c.bindings) if (b.bridge === old) b.bridge = bridge;
  const key = `net.ipv4.conf.${old}.route_localnet`;
  if (s.sysctls[key] !== undefined) {
    s.sysctls[`net.ipv4.conf.${bridge}.route_localnet`] = s.sysctls[key] as string;
    delete s.sysctls[key];
  }
  n.bridge = bridge;
}

/**
 * Take the real host's id for a network (twin): Docker names an unnamed bridge
 * br-<first 12 of the id>, so that name and its rules follow the id.
 */
export function learnNetworkId(s: DaemonState, network: string, id: string): void {
  const n = findNetwork(s, network);
  const derived = n.bridge === `br-${n.id.slice(0, 12)}`;
  n.id = id;
  if (derived) learnBridgeName(s, n.name, `br-${id.slice(0, 12)}`);
}

/** Every network with the endpoints and published ports programmed on it: what a reload re-creates. */
/**
 * What a firewalld reload re-applies, in the order the callbacks run: the live networks
 * (28.0+), or every network the running daemon programmed, removed ones as such (before).
 */
export function reloadedNetworks(s: DaemonState): Array<{ bridge: string; programmed: ProgrammedNetwork }> {
  const programmed = programmedNetworks(s);
  const live = new Map(s.networks.map((n, k) => [n, programmed[k] as ProgrammedNetwork]));
  const networks =
    s.profile.firewalldReload === 'live'
      ? s.networks
      : s.reloadRegistrations.filter((n, k, all) => all.indexOf(n) === k);
  return networks.map((n) => ({
    bridge: n.bridge,
    programmed: live.get(n) ?? { config: ruleConfig(s, n), endpoints: [], ports: [], removed: true },
  }));
}

export function programmedNetworks(s: DaemonState): ProgrammedNetwork[] {
  return s.networks.map((n) => ({
    config: ruleConfig(s, n),
    endpoints: s.containers.flatMap((c) =>
      [c.endpoints.get(n.name), c.endpoints6.get(n.name)].filter((a): a is string => a !== undefined),
    ),
    ports: s.containers.flatMap((c) => c.bindings.filter((b) => b.bridge === n.bridge)),
  }));
}
