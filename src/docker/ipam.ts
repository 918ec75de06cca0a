/**
 * Docker's default IPAM for local bridge networks: subnets from the predefined pools
 * (first one that overlaps nothing in use), addresses from a subnet (lowest free,
 * network and broadcast addresses reserved, freed addresses reused).
 */
import {
  type Cidr,
  cidrBroadcast,
  cidrContains,
  cidrOverlaps,
  cidrSize,
  formatCidr,
  formatIPv4,
  makeCidr,
  parseCidr,
  parseIPv4,
} from '../netfilter/address/index.ts';

export interface AddressPool {
  base: string;
  size: number;
}

/** dockerd's built-in local pools: 172.17–172.31 as /16s, then 192.168.0.0/16 in /20s. */
export const DEFAULT_ADDRESS_POOLS: readonly AddressPool[] = [
  { base: '172.17.0.0/16', size: 16 },
  { base: '172.18.0.0/16', size: 16 },
  { base: '172.19.0.0/16', size: 16 },
  { base: '172.20.0.0/16', size: 16 },
  { base: '172.21.0.0/16', size: 16 },
  { base: '172.22.0.0/16', size: 16 },
  { base: '172.23.0.0/16', size: 16 },
  { base: '172.24.0.0/16', size: 16 },
  { base: '172.25.0.0/16', size: 16 },
  { base: '172.26.0.0/16', size: 16 },
  { base: '172.27.0.0/16', size: 16 },
  { base: '172.28.0.0/16', size: 16 },
  { base: '172.29.0.0/16', size: 16 },
  { base: '172.30.0.0/16', size: 16 },
  { base: '172.31.0.0/16', size: 16 },
  { base: '192.168.0.0/16', size: 20 },
];

export class IpamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpamError';
  }
}

/** Every candidate subnet of the pools, in order. */
export function predefinedSubnets(pools: readonly AddressPool[]): Cidr[] {
  const out: Cidr[] = [];
  for (const pool of pools) {
    const base = parseCidr(pool.base);
    if (pool.size < base.prefix)
      throw new IpamError(`pool ${pool.base}: size ${pool.size} is larger than the pool`);
    const step = 2 ** (32 - pool.size);
    for (let i = 0; i < cidrSize(base) / step; i++) out.push(makeCidr(base.network + i * step, pool.size));
  }
  return out;
}

/** The address bitmap of one subnet (or of its --ip-range), as libnetwork keeps it. */
export class SubnetAddresses {
  readonly subnet: Cidr;
  readonly range: Cidr;
  private readonly used = new Set<number>();
  /** Every address of the range below this one is taken: allocation resumes here (linear, not n²). */
  private scanFrom = 0;

  constructor(subnet: string, ipRange?: string) {
    this.subnet = parseCidr(subnet);
    this.range = ipRange ? parseCidr(ipRange) : this.subnet;
    if (!cidrContains(this.subnet, this.range.network)) {
      throw new IpamError(`ip-range ${ipRange} is not inside subnet ${subnet}`);
    }
  }

  private broadcast(): number {
    return cidrBroadcast(this.subnet);
  }

  /** Reserve a specific address (the gateway, or `--ip`). */
  reserve(address: string): string {
    const n = parseIPv4(address);
    if (!cidrContains(this.subnet, n)) {
      throw new IpamError(`address ${address} is not in subnet ${formatCidr(this.subnet)}`);
    }
    if (this.subnet.prefix < 31 && (n === this.subnet.network || n === this.broadcast())) {
      throw new IpamError(
        `address ${address} is the network or broadcast address of ${formatCidr(this.subnet)}`,
      );
    }
    if (this.used.has(n)) throw new IpamError(`Address already in use: ${address}`);
    this.used.add(n);
    return address;
  }

  /** The lowest free address of the range. */
  allocate(): string {
    const first = Math.max(this.range.network, this.scanFrom);
    const last = (this.range.network + cidrSize(this.range) - 1) >>> 0;
    for (let n = first; n <= last; n++) {
      if (this.subnet.prefix < 31 && (n === this.subnet.network || n === this.broadcast())) continue;
      if (!this.used.has(n)) {
        this.used.add(n);
        this.scanFrom = n + 1;
        return formatIPv4(n);
      }
    }
    throw new IpamError(
      `no available IPv4 addresses on this network's address pools: ${formatCidr(this.range)}`,
    );
  }

  /** Is `address` taken (the gateway, or a container's)? */
  has(address: string): boolean {
    return this.used.has(parseIPv4(address));
  }

  release(address: string): void {
    const n = parseIPv4(address);
    this.used.delete(n);
    if (n < this.scanFrom) this.scanFrom = n;
  }
}

const NO_POOL =
  'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network';

/** Picks a subnet for a network without --subnet: the first predefined one free of overlaps. */
export function allocateSubnet(pools: readonly AddressPool[], inUse: readonly string[]): string {
  const taken = inUse.map(parseCidr);
  for (const candidate of predefinedSubnets(pools)) {
    if (!taken.some((t) => cidrOverlaps(t, candidate))) return formatCidr(candidate);
  }
  throw new IpamError(NO_POOL);
}

export type SubnetOrder = 'rotating' | 'lowest-free';

/**
 * The daemon's predefined-pool allocator, with its memory. 'lowest-free' (27.0+) is
 * allocateSubnet. 'rotating' (libnetwork until 26.x, ipam/allocator.go): the search
 * starts at a remembered index into the list; a pool found at position i of that
 * rotated list moves the index by i + 1, and an index past the end goes back to 0 (not
 * modulo). Explicit --subnet requests never move it, and a daemon restart forgets it:
 * so on 20.10 `create a; create b; rm a; create c` gives c 172.20, not a's 172.18.
 */
export class PredefinedPools {
  private start = 0;
  private readonly candidates: Cidr[];

  constructor(
    pools: readonly AddressPool[],
    readonly order: SubnetOrder,
  ) {
    this.candidates = predefinedSubnets(pools);
  }

  /** A daemon (re)start: the rotation begins again at the first pool. */
  reset(): void {
    this.start = 0;
  }

  allocate(inUse: readonly string[]): string {
    if (this.order === 'lowest-free') return this.lowestFree(inUse);
    const taken = inUse.map(parseCidr);
    const n = this.candidates.length;
    const from = this.start < n ? this.start : 0;
    for (let i = 0; i < n; i++) {
      const candidate = this.candidates[(from + i) % n] as Cidr;
      if (taken.some((t) => cidrOverlaps(t, candidate))) continue;
      const next = from + i + 1;
      this.start = next >= n ? 0 : next;
      return formatCidr(candidate);
    }
    throw new IpamError(NO_POOL);
  }

  private lowestFree(inUse: readonly string[]): string {
    const taken = inUse.map(parseCidr);
    const found = this.candidates.find((c) => !taken.some((t) => cidrOverlaps(t, c)));
    if (!found) throw new IpamError(NO_POOL);
    return formatCidr(found);
  }
}

/** The default gateway: the first address of the subnet. */
export function firstHost(subnet: string): string {
  return formatIPv4(parseCidr(subnet).network + 1);
}
