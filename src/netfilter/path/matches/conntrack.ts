/**
 * -m conntrack: --ctstate (NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED and the
 * virtual SNAT / DNAT), --ctproto, --ctorigsrc/--ctorigdst/--ctreplsrc/--ctrepldst,
 * their port twins, --ctstatus and --ctdir. Each with `!`.
 */

import type { MatchSpec, Option } from '../../types.ts';
import { ctStateOf, type Tuple } from '../conntrack.ts';
import { type Ip, prefixTest } from '../ip.ts';
import type { Packet } from '../packet.ts';
import { PROTOCOL_NUMBERS } from '../packet.ts';
import { protocolNumber } from './header.ts';
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

const STATES = new Set(['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED', 'SNAT', 'DNAT']);
const STATUSES = new Set(['NONE', 'EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED']);

function list(match: MatchSpec, option: Option, known: Set<string>): string[] {
  const [text] = requireArgs(match, option, 1) as [string];
  const values = text.split(',');
  for (const v of values) {
    if (!known.has(v)) {
      throw new MatchOptionError(
        `-m ${match.name} --${option.name}: unknown value "${v}" (known: ${[...known].join(', ')})`,
      );
    }
  }
  return values;
}

/** Does the packet's state (one of the named ones) hold? SNAT/DNAT are extra, virtual states. */
export function stateMatcher(states: string[]): MatchFn {
  const wanted = new Set(states);
  return (p) => {
    if (wanted.has(ctStateOf(p))) return true;
    if (p.ct && wanted.has('SNAT') && p.ct.nat.src) return true;
    if (p.ct && wanted.has('DNAT') && p.ct.nat.dst) return true;
    return false;
  };
}

function tupleField(p: Packet, which: 'original' | 'reply'): Tuple | undefined {
  return p.ct ? p.ct[which] : undefined;
}

function addressMatcher(
  match: MatchSpec,
  option: Option,
  which: 'original' | 'reply',
  field: 'src' | 'dst',
): MatchFn {
  const [text] = requireArgs(match, option, 1) as [string];
  let test: (address: Ip) => boolean;
  try {
    test = prefixTest(text);
  } catch (error) {
    throw new MatchOptionError(`-m conntrack --${option.name}: ${(error as Error).message}`);
  }
  return inverted(option.invert, (p) => {
    const t = tupleField(p, which);
    return t !== undefined && test(t[field]);
  });
}

function portMatcher(
  match: MatchSpec,
  option: Option,
  which: 'original' | 'reply',
  field: 'sport' | 'dport',
): MatchFn {
  const [text] = requireArgs(match, option, 1) as [string];
  const [low, high] = parsePortRange(text, `-m ${match.name} --${option.name}`);
  return inverted(option.invert, (p) => {
    const t = tupleField(p, which);
    return t !== undefined && t.protocol !== 'icmp' && t[field] >= low && t[field] <= high;
  });
}

export const conntrackMatch: MatchModule = {
  name: 'conntrack',
  compile(match) {
    const tests: MatchFn[] = [];
    for (const option of match.options) {
      switch (option.name) {
        case 'ctstate':
          tests.push(inverted(option.invert, stateMatcher(list(match, option, STATES))));
          break;
        case 'ctproto': {
          const [text] = requireArgs(match, option, 1) as [string];
          const number = protocolNumber(text);
          tests.push(
            inverted(
              option.invert,
              (p) => p.ct !== undefined && PROTOCOL_NUMBERS[p.ct.original.protocol] === number,
            ),
          );
          break;
        }
        case 'ctorigsrc':
          tests.push(addressMatcher(match, option, 'original', 'src'));
          break;
        case 'ctorigdst':
          tests.push(addressMatcher(match, option, 'original', 'dst'));
          break;
        case 'ctreplsrc':
          tests.push(addressMatcher(match, option, 'reply', 'src'));
          break;
        case 'ctrepldst':
          tests.push(addressMatcher(match, option, 'reply', 'dst'));
          break;
        case 'ctorigsrcport':
          tests.push(portMatcher(match, option, 'original', 'sport'));
          break;
        case 'ctorigdstport':
          tests.push(portMatcher(match, option, 'original', 'dport'));
          break;
        case 'ctreplsrcport':
          tests.push(portMatcher(match, option, 'reply', 'sport'));
          break;
        case 'ctrepldstport':
          tests.push(portMatcher(match, option, 'reply', 'dport'));
          break;
        case 'ctstatus': {
          const statuses = new Set(list(match, option, STATUSES));
          tests.push(
            inverted(option.invert, (p) => {
              const ct = p.ct;
              if (!ct) return false;
              if (statuses.has('SEEN_REPLY') && ct.seenReply) return true;
              if (statuses.has('ASSURED') && ct.seenReply) return true;
              if (statuses.has('CONFIRMED') && ct.confirmed) return true;
              return statuses.has('NONE') && !ct.seenReply && !ct.confirmed;
            }),
          );
          break;
        }
        case 'ctdir': {
          const [text] = requireArgs(match, option, 1) as [string];
          const dir = text.toUpperCase();
          if (dir !== 'ORIGINAL' && dir !== 'REPLY') {
            throw new MatchOptionError(`-m ${match.name} --ctdir: expected ORIGINAL or REPLY, got "${text}"`);
          }
          const want = dir === 'ORIGINAL' ? 'original' : 'reply';
          tests.push(inverted(option.invert, (p) => p.ct !== undefined && p.ctDir === want));
          break;
        }
        default:
          unknownOption(match, option);
      }
    }
    return allOf(tests);
  },
};
