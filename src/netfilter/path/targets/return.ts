/** -j RETURN: back to the calling chain; in a built-in chain, the policy decides. */
import { checkOptions, type TargetModule, type TargetVerdict } from './target.ts';

const RETURN: TargetVerdict = { kind: 'return' };

export const returnTarget: TargetModule = {
  name: 'RETURN',
  compile(target) {
    checkOptions(target, []);
    return () => RETURN;
  },
};
