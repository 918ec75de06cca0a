/**
 * -m physdev --physdev-is-bridged / --physdev-is-in / --physdev-is-out (with `!`):
 * whether the packet crosses a bridge port. Port names (--physdev-in/--physdev-out
 * vethXXXX) are not modelled: the twin knows bridges, not their veths.
 */
import {
  allOf,
  inverted,
  type MatchFn,
  type MatchModule,
  MatchOptionError,
  requireArgs,
  unknownOption,
} from './match.ts';

export const physdevMatch: MatchModule = {
  name: 'physdev',
  compile(match) {
    const tests: MatchFn[] = [];
    for (const option of match.options) {
      switch (option.name) {
        case 'physdev-is-bridged':
          requireArgs(match, option, 0);
          tests.push(inverted(option.invert, (p) => p.bridged));
          break;
        case 'physdev-is-in':
          requireArgs(match, option, 0);
          tests.push(inverted(option.invert, (p, env) => env.routing.kindOf(p.inDev) === 'bridge'));
          break;
        case 'physdev-is-out':
          requireArgs(match, option, 0);
          tests.push(inverted(option.invert, (p, env) => env.routing.kindOf(p.outDev) === 'bridge'));
          break;
        case 'physdev-in':
        case 'physdev-out':
          throw new MatchOptionError(
            `-m physdev --${option.name}: bridge port names are not modelled (only --physdev-is-*)`,
          );
        default:
          unknownOption(match, option);
      }
    }
    return allOf(tests);
  },
};
