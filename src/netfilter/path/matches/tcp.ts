/** -m tcp: --sport, --dport, --syn, --tcp-flags MASK COMP (all with `!`). */
import type { MatchSpec } from '../../types.ts';
import { TCP_FLAGS, type TcpFlagName } from '../packet.ts';
import {
  allOf,
  inverted,
  type MatchFn,
  type MatchModule,
  MatchOptionError,
  requireArgs,
  unknownOption,
} from './match.ts';
import { portMatcher } from './ports.ts';

const ALL_FLAGS = 0x3f;

function parseFlags(match: MatchSpec, text: string): number {
  let bits = 0;
  for (const name of text.split(',')) {
    const upper = name.toUpperCase();
    if (upper === 'ALL') bits |= ALL_FLAGS;
    else if (upper === 'NONE') bits |= 0;
    else if (upper in TCP_FLAGS) bits |= TCP_FLAGS[upper as TcpFlagName];
    else throw new MatchOptionError(`-m ${match.name} --tcp-flags: unknown flag "${name}"`);
  }
  return bits;
}

function flagsMatcher(mask: number, comp: number, invert: boolean): MatchFn {
  return inverted(invert, (p) => (p.tcpFlags & mask) === comp);
}

export const tcpMatch: MatchModule = {
  name: 'tcp',
  compile(match) {
    const tests: MatchFn[] = [(p) => p.protocol === 'tcp'];
    for (const option of match.options) {
      switch (option.name) {
        case 'sport':
        case 'source-port':
          tests.push(portMatcher(match, option, 'sport'));
          break;
        case 'dport':
        case 'destination-port':
          tests.push(portMatcher(match, option, 'dport'));
          break;
        case 'syn':
          requireArgs(match, option, 0);
          tests.push(
            flagsMatcher(
              TCP_FLAGS.SYN | TCP_FLAGS.RST | TCP_FLAGS.ACK | TCP_FLAGS.FIN,
              TCP_FLAGS.SYN,
              option.invert,
            ),
          );
          break;
        case 'tcp-flags': {
          const [mask, comp] = requireArgs(match, option, 2) as [string, string];
          tests.push(flagsMatcher(parseFlags(match, mask), parseFlags(match, comp), option.invert));
          break;
        }
        default:
          unknownOption(match, option);
      }
    }
    return allOf(tests);
  },
};
