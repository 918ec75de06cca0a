/**
 * Version profiles: what differs between Docker releases in the rules the bridge driver
 * writes, as data. The rule-writing code reads these flags behind the `BridgeRuleWriter`
 * seam (rule-writer.ts): 'legacy' (17.03 … 26.1) is bridge-rules.ts; the chain layout of
 * 28.x and 29.x (DOCKER-FORWARD, DOCKER-CT, DOCKER-BRIDGE, raw PREROUTING drops) is
 * forward-chains.ts; 29.x's nftables backend is src/docker/nftables/.
 */
import type { PortOrder } from './port-sort.ts';

export type IsolationStyle =
  /** 17.03–17.12: one DOCKER-ISOLATION chain with a DROP per ordered pair of bridges. */
  | 'pairwise'
  /** 18.03+: DOCKER-ISOLATION-STAGE-1 (-i br ! -o br → STAGE-2) and STAGE-2 (-o br DROP). */
  | 'two-stage'
  /**
   * 29.0+: no isolation chains at all. The DOCKER chain's per-bridge `! -i br -o br -j DROP`
   * already keeps other networks from unpublished ports, and published ports are reachable
   * from anywhere, as through the host's address. Internal networks' DROPs move to a
   * DOCKER-INTERNAL chain that DOCKER-FORWARD calls.
   */
  | 'none';

/** The firewall a daemon writes its rules with (`dockerd --firewall-backend`, 29.0+). */
export type FirewallBackend = 'iptables' | 'nftables';

export interface VersionProfile {
  /** "28.5", "26.1", "20.10", "17.06", "17.03". */
  version: string;
  /** What `docker version` reports for the engine this profile models. */
  engine: string;
  isolation: IsolationStyle;
  /** DOCKER-USER chain with RETURN and the FORWARD jump at the top (17.06+). */
  dockerUserChain: boolean;
  /**
   * With the userland proxy on and an unspecified host IP, a second binding on [::] is
   * proxied to the container's IPv4 address (20.10+).
   */
  ipv6ProxyTwin: boolean;
  /**
   * Containers on internal networks get a default route via the bridge (until 24.x);
   * since 25.0 (moby#46603) they get none, so off-subnet traffic fails inside them.
   */
  internalDefaultRoute: boolean;
  /** Port range used when /proc/sys/net/ipv4/ip_local_port_range cannot be read. */
  fallbackPortRange: [number, number];
  /** How a container's published ports are ordered before their rules are written. */
  portOrder: PortOrder;
  /** Chain layout family: 'legacy' (rules in FORWARD) or 'forward-chains' (28.x, 29.x). */
  layout: 'legacy' | 'forward-chains';
  /**
   * forward-chains layout: `-A DOCKER -i <bridge> -j RETURN` in nat for each NATed bridge
   * when the userland proxy is on (28.x); 29.0 dropped them.
   */
  natReturnPerBridge: boolean;
  /** `--firewall-backend` values this version accepts; the first is the default. */
  firewallBackends: readonly FirewallBackend[];
  /**
   * How a network without --subnet gets one from the predefined pools (src/docker/ipam.ts).
   * 'rotating' (until 26.x): the search starts after the last pool handed out, so a
   * freed subnet comes back only once the list wraps; 'lowest-free' (27.0's rewritten
   * allocator): the lowest free pool, a freed one at once. Measured on 20.10.24, 26.1.5, 28.5.2.
   */
  subnetOrder: 'rotating' | 'lowest-free';
  /**
   * The words (and the moment) of Docker's refusals (src/docker/refusals.ts): 'v20'
   * checks --ip when the container starts, 'v26' when it is created and lists every
   * reason, 'v28' adds "failed to set up container networking:" and names endpoints.
   */
  refusals: 'v20' | 'v26' | 'v28';
  /**
   * ip6tables rules for `--ipv6` networks (src/docker/daemon-ipv6.ts): 'experimental'
   * (20.10 … 26.x: `--ip6tables` defaults to false and needs `--experimental`), 'default'
   * (27.0+: on unless `--ip6tables=false`). Read in moby v26.1.5 and v28.5.2 cmd/dockerd.
   */
  ip6tables: 'experimental' | 'default';
  /**
   * A `--ipv6` network without an IPv6 --subnet: 'none' (until 26.x: refused), 'ula' (27.0+:
   * a /64 of a ULA /48 derived from the host id).
   */
  ipv6DefaultPool: 'none' | 'ula';
  /** docker0 with --fixed-cidr-v6 of /80 or shorter: MAC-derived container addresses (until 26.x). */
  ipv6MacAddresses: boolean;
  /**
   * What a firewalld reload re-applies. 'registered' (until 27.x): each network registered
   * `OnReloaded` callbacks when it was programmed and nothing ever removed them (moby
   * v26.1.5 setup_firewalld.go), so a removed network's rules and zone binding come back,
   * in registration order. 'live' (28.0+, handleFirewalldReload): the networks that exist.
   * Measured on a 26.1 firewalld host (features/firewalld.feature).
   */
  firewalldReload: 'registered' | 'live';
  /**
   * `com.docker.network.bridge.gateway_mode_ipv4` / `_ipv6` (nat, nat-unprotected, routed,
   * isolated): 27.0+. Before, the bridge driver's fromLabels skips keys it does not know
   * (moby v26.1.5 bridge_linux.go), so the options are accepted and do nothing: NAT as ever.
   */
  gatewayModes: boolean;
  /** Known differences from 20.10 that the model does not yet reproduce, for humans. */
  notes: string[];
}

const V20_10: VersionProfile = {
  version: '20.10',
  engine: '20.10.24+dfsg1 (Debian bookworm)',
  isolation: 'two-stage',
  dockerUserChain: true,
  ipv6ProxyTwin: true,
  internalDefaultRoute: true,
  fallbackPortRange: [49153, 65535],
  portOrder: 'sort-port-map',
  layout: 'legacy',
  natReturnPerBridge: true,
  firewallBackends: ['iptables'],
  subnetOrder: 'rotating',
  refusals: 'v20',
  ip6tables: 'experimental',
  firewalldReload: 'registered',
  gatewayModes: false,
  ipv6DefaultPool: 'none',
  ipv6MacAddresses: true,
  notes: [],
};

/** The Docker version a host or a model gets when none is named: what users run today. */
export const DEFAULT_DOCKER_VERSION = '28.5';

/** Profiles checked against a real engine (ground truth, golden rulesets); the others are model-only. */
export const VERIFIED_DOCKER_VERSIONS: readonly string[] = ['28.5', '26.1', '20.10'];

const V28_5: VersionProfile = {
  ...V20_10,
  version: '28.5',
  engine: '28.5.2+dfsg4 (Debian sid docker.io)',
  internalDefaultRoute: false,
  layout: 'forward-chains',
  portOrder: 'port-binding',
  subnetOrder: 'lowest-free',
  refusals: 'v28',
  ip6tables: 'default',
  firewalldReload: 'live',
  gatewayModes: true,
  ipv6DefaultPool: 'ula',
  ipv6MacAddresses: false,
  notes: [
    'Rules read in moby v28.5.2 (libnetwork/drivers/bridge/internal/iptabler) and checked against ' +
      'ground truth e1-e3 (fixtures/groundtruth/28.5), rulesets recorded from a real 28.5.2 engine ' +
      "(fixtures/golden/28.5, src/docker/golden.test.ts) and moby's own generated documents " +
      '(fixtures/golden/moby-28.5.2, src/docker/moby-docs.test.ts).',
    'ip6tables rules (on by default since 27.0) are modelled for `--ipv6` networks and checked against ' +
      "moby's iptabler testdata (fixtures/golden/moby-28.5.2/iptabler, src/docker/iptabler-golden.test.ts); " +
      'not yet against a recording of a real 28.5.2 engine.',
  ],
};

export const PROFILES: Readonly<Record<string, VersionProfile>> = {
  '29.7': {
    ...V28_5,
    version: '29.7',
    engine: '29.7.2 (moby docker-v29.7.2; no Debian suite ships 29, so model only)',
    isolation: 'none',
    natReturnPerBridge: false,
    firewallBackends: ['iptables', 'nftables'],
    notes: [
      "Rules read in moby docker-v29.7.2 (daemon/libnetwork/drivers/bridge/internal/iptabler, nftabler) and checked against Docker's own " +
        'generated documents (fixtures/golden/moby-29.7.2, src/docker/moby-docs.test.ts): no DOCKER-ISOLATION-STAGE-1/2, ' +
        'internal networks in DOCKER-INTERNAL, no nat `-i <bridge> -j RETURN`.',
      'The generated documents are identical at every tag from docker-v29.0.0 to docker-v29.7.2, and the rule ' +
        'writers differ only in logging (29.3) and internal types (29.7); the nft library under them was ' +
        'refactored in 29.5-29.7 without changing what the documents show. No 29.x minor writes other bridge rules.',
      '--firewall-backend=nftables writes `table ip docker-bridges` (src/docker/nftables/); its IPv6 table ' +
        '(`ip6 docker-bridges`) is not modelled. ip6tables rules (iptables backend) are, checked against ' +
        "moby's iptabler testdata (fixtures/golden/moby-29.7.2/iptabler).",
    ],
  },
  '28.5': V28_5,
  '26.1': {
    ...V20_10,
    version: '26.1',
    engine: '26.1.5+dfsg1 (Debian trixie docker.io)',
    refusals: 'v26',
    internalDefaultRoute: false,
    notes: [
      'Same IPv4 rules and order as 20.10: read in moby v26.1.5 against v20.10.24, and checked ' +
        'against rulesets recorded from a real 26.1.5 engine (fixtures/golden/26.1, src/docker/golden.test.ts).',
      'Containers on internal networks have no default route (moby#46603, 25.0): found by running ' +
        'the features on a real 26.1.5 engine under the twin backend.',
      'ip6tables rules only with `dockerd --experimental --ip6tables` (off by default until 27.0), read in ' +
        'moby v26.1.5 and not yet recorded on a real engine; docker0 with --fixed-cidr-v6 of /80 or shorter ' +
        'gives containers MAC-derived IPv6 addresses.',
    ],
  },
  '20.10': V20_10,
  '17.06': {
    ...V20_10,
    version: '17.06',
    engine: '17.06',
    isolation: 'pairwise',
    ipv6ProxyTwin: false,
    notes: ['Seed 001 listing (single DOCKER-ISOLATION chain plus DOCKER-USER).'],
  },
  '17.03': {
    ...V20_10,
    version: '17.03',
    engine: '17.03',
    isolation: 'pairwise',
    dockerUserChain: false,
    ipv6ProxyTwin: false,
    notes: ['Seed 003 listing (single DOCKER-ISOLATION chain, no DOCKER-USER).'],
  },
};

export class UnknownDockerVersionError extends Error {
  constructor(readonly version: string) {
    super(
      `unknown Docker version "${version}": the model has profiles for ${Object.keys(PROFILES).join(', ')} ` +
        `(use one of them, e.g. --docker-version ${DEFAULT_DOCKER_VERSION})`,
    );
    this.name = 'UnknownDockerVersionError';
  }
}

/** The profile for "20.10", "20.10.24", "26.1.5", "17.06.2-ce" … (major.minor decides). */
export function getProfile(version: string): VersionProfile {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  const key = m ? `${Number(m[1])}.${m[2]?.padStart(2, '0')}` : version;
  const profile = PROFILES[key] ?? PROFILES[m ? `${Number(m[1])}.${Number(m[2])}` : version];
  if (!profile) throw new UnknownDockerVersionError(version);
  return profile;
}
