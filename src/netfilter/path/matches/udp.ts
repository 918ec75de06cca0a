/** -m udp: --sport, --dport (with `!` and ranges). */
import { allOf, type MatchFn, type MatchModule, unknownOption } from './match.ts';
import { portMatcher } from './ports.ts';

export const udpMatch: MatchModule = {
  name: 'udp',
  compile(match) {
    const tests: MatchFn[] = [(p) => p.protocol === 'udp'];
    for (const option of match.options) {
      if (option.name === 'sport' || option.name === 'source-port')
        tests.push(portMatcher(match, option, 'sport'));
      else if (option.name === 'dport' || option.name === 'destination-port')
        tests.push(portMatcher(match, option, 'dport'));
      else unknownOption(match, option);
    }
    return allOf(tests);
  },
};
