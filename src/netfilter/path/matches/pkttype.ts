/** -m pkttype --pkt-type unicast|broadcast|multicast: the link-layer kind, read from the destination address. */
import { cidrContains, parseCidr } from '../../address/index.ts';
import {
  allOf,
  inverted,
  type MatchFn,
  type MatchModule,
  MatchOptionError,
  requireArgs,
  unknownOption,
} from './match.ts';

const MULTICAST = parseCidr('224.0.0.0/4');

export const pkttypeMatch: MatchModule = {
  name: 'pkttype',
  compile(match) {
    const tests: MatchFn[] = [];
    for (const option of match.options) {
      if (option.name !== 'pkt-type') unknownOption(match, option);
      const [text] = requireArgs(match, option, 1) as [string];
      const want = text.toLowerCase();
      if (!['unicast', 'broadcast', 'multicast'].includes(want)) {
        throw new MatchOptionError(
          `-m pkttype --pkt-type: expected unicast, broadcast or multicast, got "${text}"`,
        );
      }
      tests.push(
        inverted(option.invert, (p, env) => {
          const kind = env.routing.isBroadcast(p.daddr)
            ? 'broadcast'
            : typeof p.daddr === 'bigint'
              ? p.daddr >> 120n === 0xffn
              : cidrContains(MULTICAST, p.daddr)
                ? 'multicast'
                : 'unicast';
          return kind === want;
        }),
      );
    }
    return allOf(tests);
  },
};
