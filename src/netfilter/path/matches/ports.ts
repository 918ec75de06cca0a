/** --sport / --dport shared by the tcp and udp matches: a port or a range, with `!`. */
import type { MatchSpec, Option } from '../../types.ts';
import type { Packet } from '../packet.ts';
import { inverted, type MatchFn, parsePortRange, requireArgs } from './match.ts';

export function portMatcher(match: MatchSpec, option: Option, field: 'sport' | 'dport'): MatchFn {
  const [text] = requireArgs(match, option, 1) as [string];
  const [low, high] = parsePortRange(text, `-m ${match.name} --${option.name}`);
  return inverted(option.invert, (p: Packet) => p[field] >= low && p[field] <= high);
}
