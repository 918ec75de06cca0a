/**
 * -m addrtype --src-type/--dst-type TYPES [--limit-iface-in|--limit-iface-out]: the
 * route type of an address. Docker's `--dst-type LOCAL` (nat PREROUTING / OUTPUT) is
 * what sends traffic for the host's own addresses, 127/8 included, to the DOCKER chain.
 */

import { cidrContains, parseCidr } from '../../address/index.ts';
import type { Ip } from '../ip.ts';
import type { Packet } from '../packet.ts';
import type { RoutingTable } from '../routing.ts';
import {
  allOf,
  inverted,
  type MatchFn,
  type MatchModule,
  MatchOptionError,
  requireArgs,
  unknownOption,
} from './match.ts';

const MULTICAST = parseCidr('224.0.0.0/4');
const KNOWN = new Set([
  'UNSPEC',
  'UNICAST',
  'LOCAL',
  'BROADCAST',
  'ANYCAST',
  'MULTICAST',
  'BLACKHOLE',
  'UNREACHABLE',
  'PROHIBIT',
  'THROW',
  'NAT',
  'XRESOLVE',
]);

function addressType(routing: RoutingTable, address: Ip, limitDev: string | undefined): string {
  if (address === 0 || address === 0n) return 'UNSPEC';
  if (limitDev !== undefined) {
    // Only the given interface's addresses count as LOCAL (a per-device lookup).
    const owner = routing.localDevOf(address);
    if (owner !== undefined && (owner === limitDev || (limitDev === 'lo' && owner === 'lo'))) return 'LOCAL';
  } else if (routing.isLocal(address)) {
    return 'LOCAL';
  }
  if (routing.isBroadcast(address)) return 'BROADCAST';
  if (typeof address === 'bigint' ? address >> 120n === 0xffn : cidrContains(MULTICAST, address))
    return 'MULTICAST';
  return routing.lookup(address).kind === 'unreachable' ? 'UNREACHABLE' : 'UNICAST';
}

export const addrtypeMatch: MatchModule = {
  name: 'addrtype',
  compile(match) {
    let limit: 'in' | 'out' | undefined;
    const checks: Array<{ field: 'saddr' | 'daddr'; types: Set<string>; invert: boolean }> = [];
    for (const option of match.options) {
      if (option.name === 'limit-iface-in' || option.name === 'limit-iface-out') {
        requireArgs(match, option, 0);
        limit = option.name === 'limit-iface-in' ? 'in' : 'out';
        continue;
      }
      if (option.name !== 'src-type' && option.name !== 'dst-type') unknownOption(match, option);
      const [text] = requireArgs(match, option, 1) as [string];
      const types = text.split(',').map((t) => t.toUpperCase());
      for (const t of types) {
        if (!KNOWN.has(t))
          throw new MatchOptionError(`-m addrtype --${option.name}: unknown address type "${t}"`);
      }
      checks.push({
        field: option.name === 'src-type' ? 'saddr' : 'daddr',
        types: new Set(types),
        invert: option.invert,
      });
    }
    const tests: MatchFn[] = checks.map((c) =>
      inverted(c.invert, (p: Packet, env) => {
        const dev = limit === 'in' ? p.inDev : limit === 'out' ? p.outDev : undefined;
        return c.types.has(addressType(env.routing, p[c.field], dev));
      }),
    );
    return allOf(tests);
  },
};
