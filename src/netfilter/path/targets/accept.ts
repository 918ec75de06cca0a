/** -j ACCEPT: ends this table's traversal of the hook; the next table/hook goes on. */
import { checkOptions, type TargetModule, type TargetVerdict } from './target.ts';

const ACCEPT: TargetVerdict = { kind: 'accept' };

export const acceptTarget: TargetModule = {
  name: 'ACCEPT',
  compile(target) {
    checkOptions(target, []);
    return () => ACCEPT;
  },
};
