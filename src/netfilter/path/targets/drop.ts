/** -j DROP: the packet is gone; nothing is sent back (the client times out). */
import { checkOptions, type TargetModule, type TargetVerdict } from './target.ts';

const DROP: TargetVerdict = { kind: 'drop' };

export const dropTarget: TargetModule = {
  name: 'DROP',
  compile(target) {
    checkOptions(target, []);
    return () => DROP;
  },
};
