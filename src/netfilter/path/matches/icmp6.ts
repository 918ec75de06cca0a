/** -m icmp6 --icmpv6-type TYPE[/CODE] | NAME (ip6tables' names, libxt_icmp6), with `!`. */
import {
  allOf,
  inverted,
  type MatchFn,
  type MatchModule,
  MatchOptionError,
  requireArgs,
  unknownOption,
} from './match.ts';

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

export function parseIcmpv6Type(text: string): [number, number | undefined] {
  const named = ICMPV6_TYPES[text];
  if (named) return named;
  const m = /^(\d+)(?:\/(\d+))?$/.exec(text);
  if (m && Number(m[1]) <= 255 && (m[2] === undefined || Number(m[2]) <= 255)) {
    return [Number(m[1]), m[2] === undefined ? undefined : Number(m[2])];
  }
  throw new MatchOptionError(
    `-m icmp6 --icmpv6-type: unknown type "${text}" (a name like echo-request, or N[/CODE])`,
  );
}

export const icmp6Match: MatchModule = {
  name: 'icmp6',
  compile(match) {
    const tests: MatchFn[] = [(p) => p.protocol === 'icmpv6'];
    for (const option of match.options) {
      if (option.name !== 'icmpv6-type') unknownOption(match, option);
      const [text] = requireArgs(match, option, 1) as [string];
      const [type, code] = parseIcmpv6Type(text);
      tests.push(
        inverted(option.invert, (p) => p.icmpType === type && (code === undefined || p.icmpCode === code)),
      );
    }
    return allOf(tests);
  },
};
