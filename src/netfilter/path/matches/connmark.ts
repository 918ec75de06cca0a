/** -m connmark --mark VALUE[/MASK]: the conntrack entry's mark (set by CONNMARK). */

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

export const connmarkMatch: MatchModule = {
  name: 'connmark',
  compile(match) {
    const tests: MatchFn[] = [];
    for (const option of match.options) {
      if (option.name !== 'mark') unknownOption(match, option);
      const [text] = requireArgs(match, option, 1) as [string];
      let parsed: { value: number; mask: number };
      try {
        parsed = parseMarkValue(text, '-m connmark --mark');
      } catch (error) {
        throw new MatchOptionError((error as Error).message);
      }
      const { value, mask } = parsed;
      tests.push(inverted(option.invert, (p) => ((p.ct?.mark ?? 0) & mask) >>> 0 === value));
    }
    return allOf(tests);
  },
};
