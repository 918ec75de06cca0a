/** -m mark --mark VALUE[/MASK]: the packet's fwmark (set by MARK). */

import { parseMarkValue } from './mark-value.ts';
import {
  allOf,
  inverted,
  type MatchFn,
  type MatchModule,
  MatchOptionError,
  requireArgs,
  unknownOption,
} from './match.ts';

export const markMatch: MatchModule = {
  name: 'mark',
  compile(match) {
    const tests: MatchFn[] = [];
    for (const option of match.options) {
      if (option.name !== 'mark') unknownOption(match, option);
      const [text] = requireArgs(match, option, 1) as [string];
      let parsed: { value: number; mask: number };
      try {
        parsed = parseMarkValue(text, '-m mark --mark');
      } catch (error) {
        throw new MatchOptionError((error as Error).message);
      }
      const { value, mask } = parsed;
      tests.push(inverted(option.invert, (p) => (p.mark & mask) >>> 0 === value));
    }
    return allOf(tests);
  },
};
