/** -m iprange --src-range/--dst-range A-B (inclusive), with `!`. */
import { parseIPv4 } from '../../address/index.ts';
import {
  allOf,
  inverted,
  type MatchFn,
  type MatchModule,
  MatchOptionError,
  requireArgs,
  unknownOption,
} from './match.ts';

export const iprangeMatch: MatchModule = {
  name: 'iprange',
  compile(match) {
    const tests: MatchFn[] = [];
    for (const option of match.options) {
      if (option.name !== 'src-range' && option.name !== 'dst-range') unknownOption(match, option);
      const [text] = requireArgs(match, option, 1) as [string];
      const [from, to = from] = text.split('-') as [string, string | undefined];
      let low: number;
      let high: number;
      try {
        low = parseIPv4(from);
        high = parseIPv4(to);
      } catch (error) {
        throw new MatchOptionError(`-m iprange --${option.name}: ${(error as Error).message}`);
      }
      const field = option.name === 'src-range' ? 'saddr' : 'daddr';
      tests.push(
        inverted(option.invert, (p) => typeof p[field] === 'number' && p[field] >= low && p[field] <= high),
      );
    }
    return allOf(tests);
  },
};
