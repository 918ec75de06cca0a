/** -m state --state LIST: the older spelling of conntrack --ctstate (no SNAT/DNAT). */
import { stateMatcher } from './conntrack.ts';
import {
  allOf,
  inverted,
  type MatchFn,
  type MatchModule,
  MatchOptionError,
  requireArgs,
  unknownOption,
} from './match.ts';

const STATES = new Set(['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED']);

export const stateMatch: MatchModule = {
  name: 'state',
  compile(match) {
    const tests: MatchFn[] = [];
    for (const option of match.options) {
      if (option.name !== 'state') unknownOption(match, option);
      const [text] = requireArgs(match, option, 1) as [string];
      const states = text.split(',');
      for (const s of states) {
        if (!STATES.has(s)) throw new MatchOptionError(`-m state --state: unknown state "${s}"`);
      }
      tests.push(inverted(option.invert, stateMatcher(states)));
    }
    return allOf(tests);
  },
};
