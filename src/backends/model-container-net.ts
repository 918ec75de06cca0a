/**
 * What a container's own network namespace settles without the host, so no packet of
 * it reaches the host's netfilter (checked against real hosts: features/reached-for*.feature).
 */
import { parseAddress, parsePrefix, prefixContains } from '../netfilter/address/index.ts';
import type { HostState } from '../netfilter/host-types.ts';

/**
 * - 'loopback': its loopback and its own addresses answer;
 * - 'no network': with no address (--network none) nothing routes anywhere ("Network is
 *   unreachable");
 * - 'no neighbour': an address on one of its own subnets that no one holds (a stopped
 *   container's) gets no ARP answer, so nothing is ever sent ("Destination Host
 *   Unreachable" from itself; curl waits out its timeout).
 */
export type InsideContainer = 'loopback' | 'no network' | 'no neighbour';

/**
 * Where traffic from container `name` (as `state` places it: one neighbour per endpoint)
 * to `dst` ends without the host; undefined: its packets go out to the host.
 */
export function insideContainer(
  state: HostState,
  name: string,
  hasAddress: boolean,
  dst: string,
): InsideContainer | undefined {
  if (dst.startsWith('127.') || dst === '::1') return 'loopback';
  if (!hasAddress) return 'no network';
  const own = state.neighbours.filter((n) => n.name === name);
  if (own.some((n) => n.address === dst)) return 'loopback';
  const daddr = parseAddress(dst);
  for (const { dev } of own) {
    const addresses = state.interfaces.find((i) => i.name === dev)?.addresses ?? [];
    if (addresses.some((a) => a.address === dst)) continue;
    // An address of the other family is never on-link (prefixContains says no).
    const onLink = addresses.some(
      (a) => a.prefix > 0 && prefixContains(parsePrefix(`${a.address}/${a.prefix}`), daddr),
    );
    if (onLink && !state.neighbours.some((n) => n.address === dst && n.dev === dev)) return 'no neighbour';
  }
  return undefined;
}
