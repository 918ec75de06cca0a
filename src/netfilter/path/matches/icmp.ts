/** -m icmp --icmp-type TYPE[/CODE] | NAME (iptables' names), with `!`. */
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
const ICMP_TYPES: Record<string, [number, number | undefined]> = {
  'echo-reply': [0, undefined],
  'destination-unreachable': [3, undefined],
  'network-unreachable': [3, 0],
  'host-unreachable': [3, 1],
  'protocol-unreachable': [3, 2],
  'port-unreachable': [3, 3],
  'fragmentation-needed': [3, 4],
  'source-route-failed': [3, 5],
  'network-unknown': [3, 6],
  'host-unknown': [3, 7],
  'network-prohibited': [3, 9],
  'host-prohibited': [3, 10],
  'communication-prohibited': [3, 13],
  'source-quench': [4, undefined],
  redirect: [5, undefined],
  'echo-request': [8, undefined],
  'router-advertisement': [9, undefined],
  'router-solicitation': [10, undefined],
  'time-exceeded': [11, undefined],
  'ttl-zero-during-transit': [11, 0],
  'ttl-zero-during-reassembly': [11, 1],
  'parameter-problem': [12, undefined],
  'timestamp-request': [13, undefined],
  'timestamp-reply': [14, undefined],
  'address-mask-request': [17, undefined],
  'address-mask-reply': [18, undefined],
};

type IcmpTypes = Record<string, [number, number | undefined]>;

/** A type by name (the table's) or number, `N[/CODE]`; `any` where iptables takes it. */
function parseType(
  text: string,
  types: IcmpTypes,
  flag: string,
  any: boolean,
): [number, number | undefined] | 'any' {
  if (any && text === 'any') return 'any';
  const named = types[text];
  if (named) return named;
  const m = /^(\d+)(?:\/(\d+))?$/.exec(text);
  if (m && Number(m[1]) <= 255 && (m[2] === undefined || Number(m[2]) <= 255)) {
    return [Number(m[1]), m[2] === undefined ? undefined : Number(m[2])];
  }
  throw new MatchOptionError(`${flag}: unknown type "${text}" (a name like echo-request, or N[/CODE])`);
}

export function parseIcmpType(text: string): [number, number | undefined] | 'any' {
  return parseType(text, ICMP_TYPES, '-m icmp --icmp-type', true);
}

/**
 * The icmp and icmp6 matches: the same shape (protocol, then one type test per option,
 * each with `!`), with each family's type names and option.
 */
export function icmpTypeMatch(spec: {
  name: 'icmp' | 'icmp6';
  protocol: 'icmp' | 'icmpv6';
  option: string;
  types: IcmpTypes;
}): MatchModule {
  const any = spec.name === 'icmp';
  return {
    name: spec.name,
    compile(match) {
      const tests: MatchFn[] = [(p) => p.protocol === spec.protocol];
      for (const option of match.options) {
        if (option.name !== spec.option) unknownOption(match, option);
        const [text] = requireArgs(match, option, 1) as [string];
        const parsed = parseType(text, spec.types, `-m ${spec.name} --${spec.option}`, any);
        if (parsed === 'any') {
          tests.push(inverted(option.invert, () => true));
          continue;
        }
        const [type, code] = parsed;
        tests.push(
          inverted(option.invert, (p) => p.icmpType === type && (code === undefined || p.icmpCode === code)),
        );
      }
      return allOf(tests);
    },
  };
}

export const icmpMatch = icmpTypeMatch({
  name: 'icmp',
  protocol: 'icmp',
  option: 'icmp-type',
  types: ICMP_TYPES,
});
