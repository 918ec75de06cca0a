/**
 * IPv6 address management as libnetwork's default IPAM does it for `--ipv6` networks:
 * the subnet's first address (the Subnet-Router anycast address) is never handed out, the
 * gateway is the next one (`::1`), containers get the lowest free address after it
 * (`::2`, `::3` …). 26.1 alone makes an exception: docker0 with `--fixed-cidr-v6` of /80
 * or shorter defers to the bridge driver, which builds each address from the subnet and
 * the container's MAC (02:42 + its IPv4 address; moby v26.1.5 daemon_unix.go
 * deferIPv6Alloc). 28.x dropped that (moby v28.5.2 has no deferIPv6Alloc).
 *
 * Default pool (27.0+, moby daemon.go deriveULABaseNetwork): a ULA /48, `fd` + 40 bits of
 * sha256(host ID), split into /64s. The host ID is random on a real host; the model takes
 * the 40 bits from its id seed, so the prefix is stable from run to run but not the real one.
 */
import {
  type Cidr6,
  cidr6Contains,
  cidr6Last,
  cidr6Overlaps,
  formatCidr6,
  formatIPv6,
  isCidr6,
  makeCidr6,
  parseCidr6,
  parseIPv6,
} from '../netfilter/address/index.ts';
import { stableHex64 } from './ids.ts';
import { IpamError } from './ipam.ts';

/** The address bitmap of one IPv6 subnet. */
export class SubnetAddresses6 {
  readonly subnet: Cidr6;
  private readonly used = new Set<bigint>();
  private scanFrom: bigint;

  constructor(subnet: string) {
    this.subnet = parseCidr6(subnet);
    // The subnet's first address is reserved (RFC 4291 2.6.1).
    this.scanFrom = this.subnet.network + 1n;
  }

  /** Reserve a specific address (the gateway, or `--ip6`). */
  reserve(address: string): string {
    const n = parseIPv6(address);
    if (!cidr6Contains(this.subnet, n)) {
      throw new IpamError(`address ${address} is not in subnet ${formatCidr6(this.subnet)}`);
    }
    if (n === this.subnet.network) {
      throw new IpamError(
        `address ${address} is the Subnet-Router anycast address of ${formatCidr6(this.subnet)}`,
      );
    }
    if (this.used.has(n)) throw new IpamError(`Address already in use: ${address}`);
    this.used.add(n);
    return formatIPv6(n);
  }

  /** The lowest free address. */
  allocate(): string {
    const last = cidr6Last(this.subnet);
    for (let n = this.scanFrom; n <= last; n++) {
      if (!this.used.has(n)) {
        this.used.add(n);
        this.scanFrom = n + 1n;
        return formatIPv6(n);
      }
    }
    throw new IpamError(
      `no available IPv6 addresses on this network's address pools: ${formatCidr6(this.subnet)}`,
    );
  }

  has(address: string): boolean {
    return this.used.has(parseIPv6(address));
  }

  release(address: string): void {
    const n = parseIPv6(address);
    this.used.delete(n);
    if (n < this.scanFrom) this.scanFrom = n;
  }
}

/** The gateway libnetwork picks: the subnet's first host (`fd00:1::1` in `fd00:1::/64`). */
export function firstHost6(subnet: string): string {
  return formatIPv6(parseCidr6(subnet).network + 1n);
}

/** An IPv6 subnet as Docker takes it: canonical text, or undefined when `text` is not one. */
export function canonicalSubnet6(text: string): string | undefined {
  return isCidr6(text) && text.includes('/') ? formatCidr6(parseCidr6(text)) : undefined;
}

/** The ULA /48 of the default pools: fd + 40 bits of the host id (the model's id seed stands in). */
export function ulaBasePool(idSeed: number): Cidr6 {
  const gid = BigInt(`0x${stableHex64('host id', idSeed).slice(0, 10)}`);
  return makeCidr6(parseIPv6('fd00::') | (gid << 80n), 48);
}

/** The lowest /64 of the ULA pool that overlaps no subnet in use. */
export function allocateSubnet6(idSeed: number, inUse: readonly string[]): string {
  const base = ulaBasePool(idSeed);
  const used = inUse.map(parseCidr6);
  for (let k = 0n; k < 1n << 16n; k++) {
    const candidate = makeCidr6(base.network | (k << 64n), 64);
    if (!used.some((u) => cidr6Overlaps(u, candidate))) return formatCidr6(candidate);
  }
  throw new IpamError(
    'could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network',
  );
}

/**
 * 26.1's docker0 with --fixed-cidr-v6 of /80 or shorter: the subnet with the container's MAC
 * in its last 48 bits; Docker's MAC is 02:42 followed by the container's IPv4 address.
 */
export function macDerivedAddress(subnet: string, ipv4: string): string {
  const cidr = parseCidr6(subnet);
  if (cidr.prefix > 80)
    throw new IpamError(
      `Cannot self generate an IPv6 address on network ${subnet}: At least 48 host bits are needed.`,
    );
  const octets = ipv4.split('.').map(Number);
  let mac = 0x0242n;
  for (const o of octets) mac = (mac << 8n) | BigInt(o);
  return formatIPv6(cidr.network | mac);
}
