/** dockerd's networking options, parsed from argv (`--icc=false`, `--bip 10.1.0.1/24` …). */
import type { AddressPool } from './ipam.ts';
import { DEFAULT_ADDRESS_POOLS } from './ipam.ts';
import { canonicalSubnet6 } from './ipam6.ts';

export interface DaemonOptions {
  iptables: boolean;
  icc: boolean;
  ipForward: boolean;
  ipMasq: boolean;
  userlandProxy: boolean;
  /** 28.x --allow-direct-routing: no raw PREROUTING drops for container addresses. */
  allowDirectRouting: boolean;
  /** 28.x --ip-forward-no-drop: turning ip_forward on leaves the FORWARD policy alone. */
  ipForwardNoDrop: boolean;
  /** docker0's address with prefix, e.g. "10.1.0.1/24". */
  bip?: string;
  /** --ip: default host address for published ports. */
  defaultBindIp: string;
  defaultAddressPools: AddressPool[];
  /**
   * --firewall-backend (29.x): where Docker's rules go, iptables chains or nftables'
   * docker-bridges table. Absent: not given (the version's default; before 29 the flag
   * does not exist).
   */
  firewallBackend?: 'iptables' | 'nftables';
  /** --ipv6: docker0 gets an IPv6 subnet too (--fixed-cidr-v6, or 27.0+'s default pool). */
  ipv6: boolean;
  /** --fixed-cidr-v6: docker0's IPv6 subnet. */
  fixedCidrV6?: string;
  /**
   * --ip6tables: write ip6tables rules for IPv6 networks. Absent: the version's default
   * (off and experimental until 26.x, on since 27.0).
   */
  ip6tables?: boolean;
  /** --experimental (26.1 needs it for --ip6tables). */
  experimental: boolean;
}

export class DaemonOptionError extends Error {
  constructor(
    readonly token: string,
    detail: string,
  ) {
    super(`dockerd option "${token}": ${detail}`);
    this.name = 'DaemonOptionError';
  }
}

export const SUPPORTED_DAEMON_OPTIONS = [
  '--iptables',
  '--icc',
  '--ip-forward',
  '--ip-masq',
  '--userland-proxy',
  '--allow-direct-routing',
  '--ip-forward-no-drop',
  '--bip',
  '--ip',
  '--default-address-pools',
  '--firewall-backend',
  '--ipv6',
  '--fixed-cidr-v6',
  '--ip6tables',
  '--experimental',
];

const BOOLEAN: Record<string, keyof DaemonOptions> = {
  '--iptables': 'iptables',
  '--icc': 'icc',
  '--ip-forward': 'ipForward',
  '--ip-masq': 'ipMasq',
  '--userland-proxy': 'userlandProxy',
  '--allow-direct-routing': 'allowDirectRouting',
  '--ip-forward-no-drop': 'ipForwardNoDrop',
  '--ipv6': 'ipv6',
  '--ip6tables': 'ip6tables',
  '--experimental': 'experimental',
};

export function defaultDaemonOptions(): DaemonOptions {
  return {
    iptables: true,
    icc: true,
    ipForward: true,
    ipMasq: true,
    userlandProxy: true,
    allowDirectRouting: false,
    ipForwardNoDrop: false,
    defaultBindIp: '0.0.0.0',
    defaultAddressPools: [...DEFAULT_ADDRESS_POOLS],
    ipv6: false,
    experimental: false,
  };
}

function parsePool(token: string, value: string): AddressPool {
  const fields = Object.fromEntries(value.split(',').map((kv) => kv.split('=') as [string, string]));
  const size = Number(fields.size);
  if (!fields.base || !Number.isInteger(size)) {
    throw new DaemonOptionError(
      token,
      'expected base=CIDR,size=N, e.g. --default-address-pools base=10.10.0.0/16,size=24',
    );
  }
  return { base: fields.base, size };
}

export function parseDaemonOptions(argv: readonly string[]): DaemonOptions {
  const o = defaultDaemonOptions();
  let customPools = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    const eq = token.indexOf('=');
    const name = eq >= 0 ? token.slice(0, eq) : token;
    const inline = eq >= 0 ? token.slice(eq + 1) : undefined;
    const boolKey = BOOLEAN[name];
    if (boolKey) {
      const v = inline ?? 'true';
      if (v !== 'true' && v !== 'false') throw new DaemonOptionError(token, 'expected true or false');
      (o as unknown as Record<string, unknown>)[boolKey] = v === 'true';
      continue;
    }
    if (!SUPPORTED_DAEMON_OPTIONS.includes(name)) {
      throw new DaemonOptionError(
        token,
        `not supported by the model (supported: ${SUPPORTED_DAEMON_OPTIONS.join(', ')})`,
      );
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new DaemonOptionError(token, 'missing value');
    if (name === '--bip') {
      if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(value))
        throw new DaemonOptionError(token, 'expected ADDRESS/PREFIX');
      o.bip = value;
    } else if (name === '--fixed-cidr-v6') {
      const subnet = canonicalSubnet6(value);
      if (!subnet) throw new DaemonOptionError(token, 'expected an IPv6 PREFIX/LENGTH, e.g. fd00:d0c::/64');
      o.fixedCidrV6 = subnet;
    } else if (name === '--ip') o.defaultBindIp = value;
    else if (name === '--firewall-backend') {
      if (value !== 'iptables' && value !== 'nftables')
        throw new DaemonOptionError(token, 'expected iptables or nftables');
      o.firewallBackend = value;
    } else if (name === '--default-address-pools') {
      if (!customPools) o.defaultAddressPools = [];
      customPools = true;
      o.defaultAddressPools.push(parsePool(token, value));
    }
  }
  return o;
}
