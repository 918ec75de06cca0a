/** -j SNAT --to-source [ip][:port]: rewrites the source of the whole flow (nat POSTROUTING/INPUT). */
import { parseNatRange } from './nat-range.ts';
import {
  checkOptions,
  optionArg,
  type TargetModule,
  TargetOptionError,
  type TargetVerdict,
} from './target.ts';

export const snatTarget: TargetModule = {
  name: 'SNAT',
  tables: ['nat'],
  compile(target) {
    checkOptions(target, ['to-source', 'random', 'random-fully', 'persistent']);
    const text = optionArg(target, 'to-source');
    if (text === undefined) throw new TargetOptionError('-j SNAT needs --to-source');
    const range = parseNatRange(text, '-j SNAT --to-source');
    const verdict: TargetVerdict = { kind: 'nat', manip: 'src', ...range, target: `SNAT to ${text}` };
    return () => verdict;
  },
};
