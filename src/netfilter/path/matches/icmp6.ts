/** -m icmp6 --icmpv6-type TYPE[/CODE] | NAME (ip6tables' names, libxt_icmp6), with `!`. */
import { icmpTypeMatch } from './icmp.ts';

/** [type, code]; code undefined = any code of the type. */
const ICMPV6_TYPES: Record<string, [number, number | undefined]> = {
  'destination-unreachable': [1, undefined],
  'no-route': [1, 0],
  'communication-prohibited': [1, 1],
  'beyond-scope': [1, 2],
  'address-unreachable': [1, 3],
  'port-unreachable': [1, 4],
  'failed-policy': [1, 5],
  'reject-route': [1, 6],
  'packet-too-big': [2, undefined],
  'time-exceeded': [3, undefined],
  'ttl-zero-during-transit': [3, 0],
  'ttl-zero-during-reassembly': [3, 1],
  'parameter-problem': [4, undefined],
  'echo-request': [128, undefined],
  ping: [128, undefined],
  'echo-reply': [129, undefined],
  pong: [129, undefined],
  'router-solicitation': [133, undefined],
  'router-advertisement': [134, undefined],
  'neighbour-solicitation': [135, undefined],
  'neighbor-solicitation': [135, undefined],
  'neighbour-advertisement': [136, undefined],
  'neighbor-advertisement': [136, undefined],
  redirect: [137, undefined],
};

export const icmp6Match = icmpTypeMatch({
  name: 'icmp6',
  protocol: 'icmpv6',
  option: 'icmpv6-type',
  types: ICMPV6_TYPES,
});
