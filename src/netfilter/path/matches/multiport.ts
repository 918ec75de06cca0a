/** -m multiport --dports/--sports/--ports LIST (up to 15 ports or a:b ranges), with `!`. */
import type { Packet } from '../packet.ts';
import {
  allOf,
  inverted,
  type MatchFn,
  type MatchModule,
  MatchOptionError,
  parsePortRange,
  requireArgs,
  unknownOption,
} from './match.ts';

export const multiportMatch: MatchModule = {
  name: 'multiport',
  compile(match) {
    const tests: MatchFn[] = [(p) => p.protocol === 'tcp' || p.protocol === 'udp'];
    for (const option of match.options) {
      const which =
        option.name === 'dports' || option.name === 'destination-ports'
          ? 'd'
          : option.name === 'sports' || option.name === 'source-ports'
            ? 's'
            : option.name === 'ports'
              ? 'any'
              : unknownOption(match, option);
      const [text] = requireArgs(match, option, 1) as [string];
      const ranges = text.split(',').map((part) => parsePortRange(part, `-m multiport --${option.name}`));
      if (ranges.length > 15) throw new MatchOptionError(`-m multiport --${option.name}: more than 15 ports`);
      const inList = (port: number) => ranges.some(([low, high]) => port >= low && port <= high);
      const test = (p: Packet) =>
        which === 'd'
          ? inList(p.dport)
          : which === 's'
            ? inList(p.sport)
            : inList(p.sport) || inList(p.dport);
      tests.push(inverted(option.invert, test));
    }
    return allOf(tests);
  },
};
