/**
 * -m mark --mark VALUE[/MASK] (the packet's fwmark, set by MARK) and -m connmark
 * --mark VALUE[/MASK] (the conntrack entry's mark, set by CONNMARK): the same test on
 * two different marks.
 */

import type { Packet } from '../packet.ts';
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

function markModule(name: 'mark' | 'connmark', read: (p: Packet) => number): MatchModule {
  return {
    name,
    compile(match) {
      const tests: MatchFn[] = [];
      for (const option of match.options) {
        if (option.name !== 'mark') unknownOption(match, option);
        const [text] = requireArgs(match, option, 1) as [string];
        let parsed: { value: number; mask: number };
        try {
          parsed = parseMarkValue(text, `-m ${name} --mark`);
        } catch (error) {
          throw new MatchOptionError((error as Error).message);
        }
        const { value, mask } = parsed;
        tests.push(inverted(option.invert, (p) => (read(p) & mask) >>> 0 === value));
      }
      return allOf(tests);
    },
  };
}

export const markMatch: MatchModule = markModule('mark', (p) => p.mark);
export const connmarkMatch: MatchModule = markModule('connmark', (p) => p.ct?.mark ?? 0);
