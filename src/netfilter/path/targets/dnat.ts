/** -j DNAT --to-destination [ip][:port]: rewrites the destination of the whole flow (nat PREROUTING/OUTPUT). */
import { parseNatRange } from './nat-range.ts';
import {
  checkOptions,
  optionArg,
  type TargetModule,
  TargetOptionError,
  type TargetVerdict,
} from './target.ts';

export const dnatTarget: TargetModule = {
  name: 'DNAT',
  tables: ['nat'],
  compile(target) {
    checkOptions(target, ['to-destination', 'random', 'persistent']);
    const text = optionArg(target, 'to-destination');
    if (text === undefined) throw new TargetOptionError('-j DNAT needs --to-destination');
    const range = parseNatRange(text, '-j DNAT --to-destination');
    const verdict: TargetVerdict = { kind: 'nat', manip: 'dst', ...range, target: `DNAT to ${text}` };
    return () => verdict;
  },
};
