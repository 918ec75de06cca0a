/**
 * `docker network create` as the daemon takes it: the bridge driver's options, the checks
 * the CLI and the daemon make (and their refusals, per version), and the network's state
 * before it is programmed.
 */
import type { NetworkOptions } from '../contract.ts';
import {
  cidrContains,
  cidrOverlaps,
  formatCidr,
  isCidr,
  parseCidr,
  parseIPv4,
} from '../netfilter/address/index.ts';
import { ENABLE_IPV6_OPT, GATEWAY_MODE_V6_OPT, HOST_IPV6_OPT, userNetwork6 } from './daemon-ipv6.ts';
import { type DaemonState, DockerModelError, type NetworkState } from './daemon-state.ts';
import type { GatewayMode } from './firewall.ts';
import { stableHex64 } from './ids.ts';
import { firstHost, SubnetAddresses } from './ipam.ts';
import * as refuse from './refusals.ts';

const BRIDGE_NAME_OPT = 'com.docker.network.bridge.name';
const ICC_OPT = 'com.docker.network.bridge.enable_icc';
const MASQ_OPT = 'com.docker.network.bridge.enable_ip_masquerade';
const HOST_BINDING_OPT = 'com.docker.network.bridge.host_binding_ipv4';
const HOST_IPV4_OPT = 'com.docker.network.host_ipv4';
/** 28.x: nat (default), nat-unprotected, routed, isolated (internal networks only). */
const GATEWAY_MODE_V4_OPT = 'com.docker.network.bridge.gateway_mode_ipv4';
/** 28.x: host interfaces (colon-separated) allowed to address containers directly. */
const TRUSTED_IFACES_OPT = 'com.docker.network.bridge.trusted_host_interfaces';
const GATEWAY_MODES: readonly GatewayMode[] = ['nat', 'nat-unprotected', 'routed', 'isolated'];
export const SUPPORTED_NETWORK_OPTIONS = [
  BRIDGE_NAME_OPT,
  ICC_OPT,
  MASQ_OPT,
  HOST_BINDING_OPT,
  HOST_IPV4_OPT,
  GATEWAY_MODE_V4_OPT,
  TRUSTED_IFACES_OPT,
  GATEWAY_MODE_V6_OPT,
  HOST_IPV6_OPT,
  'com.docker.network.driver.mtu',
  ENABLE_IPV6_OPT,
];

const optionBool = (v: string | undefined, dflt: boolean): boolean => (v === undefined ? dflt : v === 'true');

function gatewayModeOf(value: string | undefined, internal: boolean): GatewayMode {
  if (value === undefined) return 'nat';
  if (!(GATEWAY_MODES as readonly string[]).includes(value)) {
    throw new DockerModelError(
      `Error response from daemon: failed to parse ${GATEWAY_MODE_V4_OPT} value: ${value} (unknown gateway mode ${value})`,
    );
  }
  if (value === 'isolated' && !internal) throw refuse.isolatedNotInternal();
  return value as GatewayMode;
}

/** A stable id: the same network name and creation ordinal give the same id (and br-<12 hex>) every run. */
export function networkId(s: DaemonState, name: string): string {
  return stableHex64(`network ${name} #${s.networksCreated++}`, s.idSeed);
}

/** The checks of `docker network create` in the order Docker makes them, then the new network's state. */
export function userNetworkState(s: DaemonState, o: NetworkOptions): NetworkState {
  if (o.driver && o.driver !== 'bridge') {
    throw new DockerModelError(`network driver "${o.driver}" is not modelled (only bridge)`);
  }
  // The docker CLI checks gateways against subnets before it asks the daemon.
  if ((o.gateway || o.ipRange) && !o.subnet) throw refuse.gatewayWithoutSubnet();
  if (o.gateway && o.subnet && isCidr(o.subnet) && !cidrContains(parseCidr(o.subnet), parseIPv4(o.gateway))) {
    throw refuse.gatewayOutsideSubnet(o.gateway);
  }
  if (['bridge', 'host', 'none'].includes(o.name)) throw refuse.predefinedNetwork(o.name);
  if (s.networks.some((n) => n.name === o.name)) throw refuse.networkExists(o.name);
  const options = { ...(o.options ?? {}) };
  for (const key of Object.keys(options)) {
    if (!SUPPORTED_NETWORK_OPTIONS.includes(key)) {
      throw new DockerModelError(
        `network option "${key}" is not modelled (supported: ${SUPPORTED_NETWORK_OPTIONS.join(', ')})`,
      );
    }
  }
  if (o.subnet) {
    if (!isCidr(o.subnet)) throw refuse.invalidSubnet(s.profile, o.subnet);
    const canonical = formatCidr(parseCidr(o.subnet));
    // 26.1+ refuse host bits; 20.10 takes the network they name.
    if (canonical !== o.subnet && s.profile.refusals !== 'v20') {
      throw refuse.invalidSubnet(s.profile, o.subnet, canonical);
    }
    if (s.networks.some((n) => cidrOverlaps(parseCidr(n.subnet), parseCidr(canonical)))) {
      throw refuse.poolOverlaps(s.profile);
    }
  }
  // Before 27.0 the bridge driver ignores the option (VersionProfile.gatewayModes).
  const gatewayMode = s.profile.gatewayModes
    ? gatewayModeOf(options[GATEWAY_MODE_V4_OPT], o.internal ?? false)
    : 'nat';
  const ipv6 = userNetwork6(s, o, options);
  const subnet = o.subnet
    ? formatCidr(parseCidr(o.subnet))
    : s.pools.allocate(s.networks.map((n) => n.subnet));
  // An isolated network gets no gateway unless one is asked for (moby's GetSkipGwAlloc):
  // IPAM hands out its first address to a container, and the bridge holds none either way.
  const gateway = o.gateway ?? (gatewayMode === 'isolated' ? '' : firstHost(subnet));
  const addresses = new SubnetAddresses(subnet, o.ipRange);
  if (gateway) addresses.reserve(gateway);
  const id = networkId(s, o.name);
  const bridge = options[BRIDGE_NAME_OPT] ?? `br-${id.slice(0, 12)}`;
  if (s.networks.some((n) => n.bridge === bridge)) {
    throw new refuse.DockerRefusal(`Error response from daemon: bridge name ${bridge} is already in use`);
  }
  return {
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
    hostBindingIp: options[HOST_BINDING_OPT] ?? s.daemon.defaultBindIp,
    ...(options[HOST_IPV4_OPT] ? { snatSource: options[HOST_IPV4_OPT] } : {}),
    gatewayMode,
    trustedHostInterfaces: (options[TRUSTED_IFACES_OPT] ?? '').split(':').filter((x) => x !== ''),
    isDefault: false,
    options,
    addresses,
    ...(ipv6 ? { ipv6 } : {}),
  };
}
