/**
 * IPv6 in the daemon: whether Docker writes ip6tables rules (`--ip6tables`, per version),
 * the IPv6 half of `--ipv6` networks and of docker0 (`dockerd --ipv6 --fixed-cidr-v6`),
 * containers' IPv6 addresses, and IPv6 forwarding with its FORWARD DROP policy.
 *
 * Facts read in moby: v26.1.5 cmd/dockerd/config_unix.go (`--ip6tables` defaults to false,
 * "experimental"), daemon_unix.go ("ip6tables rules are only available if experimental
 * features are enabled"; docker0's MAC-derived addresses), bridge setup_ip_forwarding.go
 * (`-P FORWARD DROP` in ip6tables' filter table at driver start); v28.5.2
 * cmd/dockerd/config_unix.go (`--ip6tables` defaults to true), bridge_linux.go
 * (gateway_mode_ipv6, "gateway mode 'isolated' can only be used for an internal network"),
 * setup_ip_forwarding.go (setupIPv6Forwarding: both forwarding sysctls on when the first
 * IPv6 network is set up, and FORWARD DROP if either was off), daemon.go (the ULA pool).
 */
import type { NetworkOptions } from '../contract.ts';
import { cidr6Contains, cidr6Overlaps, parseCidr6, parseIPv6 } from '../netfilter/address/index.ts';
import { DaemonOptionError, type DaemonOptions } from './daemon-options.ts';
import type { DaemonState, NetworkState, NetworkState6 } from './daemon-state.ts';
import { DockerModelError } from './daemon-state.ts';
import type { GatewayMode } from './firewall.ts';
import { IpamError } from './ipam.ts';
import {
  allocateSubnet6,
  canonicalSubnet6,
  firstHost6,
  macDerivedAddress,
  SubnetAddresses6,
} from './ipam6.ts';
import type { VersionProfile } from './profile.ts';
import * as refuse from './refusals.ts';

export const GATEWAY_MODE_V6_OPT = 'com.docker.network.bridge.gateway_mode_ipv6';
export const HOST_IPV6_OPT = 'com.docker.network.host_ipv6';
export const ENABLE_IPV6_OPT = 'com.docker.network.bridge.enable_ipv6';
const GATEWAY_MODES_V6: readonly GatewayMode[] = ['nat', 'nat-unprotected', 'routed', 'isolated'];

const FORWARDING_ALL = 'net.ipv6.conf.all.forwarding';
const FORWARDING_DEFAULT = 'net.ipv6.conf.default.forwarding';

/** Does the daemon write ip6tables rules? Throws what dockerd says when it refuses to start. */
export function ip6tablesEnabled(profile: VersionProfile, daemon: DaemonOptions): boolean {
  // --iptables=false: no firewall backend at all (firewall-select.ts).
  if (!daemon.iptables) return false;
  if (profile.ip6tables === 'default') return daemon.ip6tables ?? true;
  if (daemon.ip6tables && !daemon.experimental) {
    throw new DaemonOptionError(
      '--ip6tables',
      `Docker ${profile.version}: ip6tables rules are only available if experimental features are enabled (add --experimental)`,
    );
  }
  return daemon.ip6tables ?? false;
}

function gatewayMode6(value: string | undefined, internal: boolean): GatewayMode {
  if (value === undefined) return 'nat';
  if (!(GATEWAY_MODES_V6 as readonly string[]).includes(value)) {
    throw new DockerModelError(
      `Error response from daemon: failed to parse ${GATEWAY_MODE_V6_OPT} value: ${value} (unknown gateway mode ${value})`,
    );
  }
  if (value === 'isolated' && !internal) throw refuse.isolatedNotInternal();
  return value as GatewayMode;
}

/** A new network's IPv6 subnet must not overlap another network's. */
function checkOverlap(s: DaemonState, profile: VersionProfile, subnet: string): void {
  const cidr = parseCidr6(subnet);
  if (s.networks.some((n) => n.ipv6 && cidr6Overlaps(parseCidr6(n.ipv6.subnet), cidr)))
    throw refuse.poolOverlaps(profile);
}

/** The default pool's next /64, or the refusal of a version that has none. */
function defaultSubnet6(s: DaemonState, what: string): string {
  if (s.profile.ipv6DefaultPool === 'none') {
    throw new DockerModelError(
      `${what}: Docker ${s.profile.version} has no default IPv6 address pool (27.0 added one): give an IPv6 --subnet`,
    );
  }
  return allocateSubnet6(
    s.idSeed,
    s.networks.flatMap((n) => (n.ipv6 ? [n.ipv6.subnet] : [])),
  );
}

/** `gateway` '': none reserved (an isolated network without --gateway: moby's GetSkipGwAlloc). */
function state6(subnet: string, gateway: string, mode: GatewayMode, snatSource?: string): NetworkState6 {
  const addresses = new SubnetAddresses6(subnet);
  if (gateway) addresses.reserve(gateway);
  return { subnet, gateway, gatewayMode: mode, addresses, ...(snatSource ? { snatSource } : {}) };
}

/** The IPv6 half of a user network (`docker network create --ipv6 [--subnet V6 [--gateway V6]]`). */
export function userNetwork6(
  s: DaemonState,
  o: NetworkOptions,
  options: Record<string, string>,
): NetworkState6 | undefined {
  // The docker CLI: every gateway needs a subnet of its family.
  if (o.gateway6 && !o.subnet6) throw refuse.gatewayWithoutSubnet();
  const enabled = o.ipv6 ?? options[ENABLE_IPV6_OPT] === 'true';
  if (!enabled) {
    if (o.subnet6) {
      throw new DockerModelError(
        `IPv6 subnet ${o.subnet6} given without --ipv6: add --ipv6 (Docker would ignore the subnet or refuse)`,
      );
    }
    return undefined;
  }
  let subnet: string;
  if (o.subnet6) {
    const canonical = canonicalSubnet6(o.subnet6);
    if (!canonical) throw refuse.invalidSubnet(s.profile, o.subnet6);
    if (canonical !== o.subnet6 && s.profile.refusals !== 'v20')
      throw refuse.invalidSubnet(s.profile, o.subnet6, canonical);
    checkOverlap(s, s.profile, canonical);
    subnet = canonical;
  } else subnet = defaultSubnet6(s, `docker network create --ipv6 ${o.name}`);
  if (o.gateway6 && !cidr6Contains(parseCidr6(subnet), parseIPv6(o.gateway6)))
    throw refuse.gatewayOutsideSubnet(o.gateway6);
  // Before 27.0 the bridge driver ignores the option (VersionProfile.gatewayModes).
  const mode = s.profile.gatewayModes
    ? gatewayMode6(options[GATEWAY_MODE_V6_OPT], o.internal ?? false)
    : 'nat';
  // An isolated network gets no gateway unless one is asked for, and its bridge no IPv6 address.
  const gateway = o.gateway6 ?? (mode === 'isolated' ? '' : firstHost6(subnet));
  return state6(subnet, gateway, mode, options[HOST_IPV6_OPT]);
}

/** docker0's IPv6 half: `dockerd --ipv6` with --fixed-cidr-v6, or (27.0+) the default pool. */
export function defaultBridge6(s: DaemonState): NetworkState6 | undefined {
  if (!s.daemon.ipv6) return undefined;
  const subnet = s.daemon.fixedCidrV6 ?? defaultSubnet6(s, 'dockerd --ipv6 without --fixed-cidr-v6');
  return state6(subnet, firstHost6(subnet), 'nat');
}

/**
 * A container's IPv6 address on `n`: --ip6 if given, the MAC-derived one on 26.1's docker0
 * with --fixed-cidr-v6 of /80 or shorter, else IPAM's lowest free address.
 */
export function allocateAddress6(
  s: DaemonState,
  n: NetworkState,
  ipv4: string | undefined,
  fixed?: string,
): string | undefined {
  const v6 = n.ipv6;
  if (!v6) return undefined;
  try {
    if (fixed) return v6.addresses.reserve(fixed);
    if (n.isDefault && s.profile.ipv6MacAddresses && ipv4 && parseCidr6(v6.subnet).prefix <= 80)
      return v6.addresses.reserve(macDerivedAddress(v6.subnet, ipv4));
    return v6.addresses.allocate();
  } catch (e) {
    if (e instanceof IpamError) throw refuse.startFailure(s.profile, e.message);
    throw e;
  }
}

/**
 * An IPv6 network is set up (27.0+ setupIPv6Forwarding): both forwarding sysctls go on,
 * and if either was off, ip6tables' FORWARD policy becomes DROP (unless
 * --ip-forward-no-drop). 26.1 set that policy when the driver started instead.
 */
export function enableIpv6Forwarding(s: DaemonState): void {
  if (!s.daemon.ipForward) return;
  const changed = s.sysctls[FORWARDING_ALL] !== '1' || s.sysctls[FORWARDING_DEFAULT] !== '1';
  s.sysctls[FORWARDING_DEFAULT] = '1';
  s.sysctls[FORWARDING_ALL] = '1';
  if (changed && s.profile.ip6tables === 'default' && !s.daemon.ipForwardNoDrop)
    s.firewall?.filterForwardDrop?.('ipv6');
}

/** 26.1 with --ip6tables: the driver's setupIPForwarding sets ip6tables' FORWARD policy to DROP at start. */
export function legacyIpv6ForwardDrop(s: DaemonState, ip6tables: boolean): void {
  if (ip6tables && s.daemon.ipForward && s.profile.ip6tables === 'experimental')
    s.firewall?.filterForwardDrop?.('ipv6');
}
