/**
 * The order in which the daemon programs a container's published ports.
 *
 * Until 26.x: go-connections nat.SortPortMap. Its Less is "larger host port first, or larger
 * container port, or tcp" — not a strict ordering, so the result depends on Go's
 * algorithm: sort.Sort on fewer than 13 elements is a plain insertion sort. Seed 001
 * (`80:80` and `443:443` programmed as 443, then 80) shows the effect.
 * Docker starts from map iteration order (random); the model starts from the order given.
 */
import type { PortMapping } from '../contract.ts';
import { isIPv4, parseIPv4 } from '../netfilter/address/index.ts';

function less(a: PortMapping, b: PortMapping): boolean {
  const ha = a.hostPort ?? 0;
  const hb = b.hostPort ?? 0;
  return (
    ha > hb ||
    a.containerPort > b.containerPort ||
    (a.containerPort === b.containerPort && a.protocol === 'tcp')
  );
}

export function sortPortMappings(ports: readonly PortMapping[]): PortMapping[] {
  const s = [...ports];
  if (s.length > 12) {
    // Go would use pdqsort here; a stable order is the best the model can promise.
    return s.sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
  }
  for (let i = 1; i < s.length; i++) {
    for (let j = i; j > 0 && less(s[j] as PortMapping, s[j - 1] as PortMapping); j--) {
      [s[j], s[j - 1]] = [s[j - 1] as PortMapping, s[j] as PortMapping];
    }
  }
  return s;
}

/** IPv4 dotted quad as a number; undefined (no host IP given) sorts first, as Go's zero netip.Addr. */
function hostIpKey(ip: string | undefined): number {
  if (ip === undefined || ip === '') return -1;
  return isIPv4(ip) ? parseIPv4(ip) : 2 ** 32; // IPv6 after IPv4
}

const PROTOCOL_NUMBER: Record<PortMapping['protocol'], number> = { tcp: 6, udp: 17 };

/**
 * 28.x (libnetwork/drivers/bridge port_mapping_linux.go cmpPortBinding): a total order —
 * fixed host ports before ephemeral ones, then container port, protocol number (tcp 6 <
 * udp 17), host port, host address.
 */
export function comparePortBindings(a: PortMapping, b: PortMapping): number {
  const aRange = a.hostPort === undefined || a.hostPort === 0;
  const bRange = b.hostPort === undefined || b.hostPort === 0;
  if (aRange !== bRange) return aRange ? 1 : -1;
  return (
    a.containerPort - b.containerPort ||
    PROTOCOL_NUMBER[a.protocol] - PROTOCOL_NUMBER[b.protocol] ||
    (a.hostPort ?? 0) - (b.hostPort ?? 0) ||
    hostIpKey(a.hostIp) - hostIpKey(b.hostIp)
  );
}

export type PortOrder = 'sort-port-map' | 'port-binding';

/** The container's port mappings in the order this engine programs them. */
export function orderPortMappings(ports: readonly PortMapping[], order: PortOrder): PortMapping[] {
  return order === 'port-binding' ? [...ports].sort(comparePortBindings) : sortPortMappings(ports);
}
