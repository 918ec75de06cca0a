/** -j LOG: counts and goes on (the twin has no kernel log to write to). */
import { CONTINUE, checkOptions, type TargetModule } from './target.ts';

export const logTarget: TargetModule = {
  name: 'LOG',
  compile(target) {
    checkOptions(target, [
      'log-prefix',
      'log-level',
      'log-tcp-sequence',
      'log-tcp-options',
      'log-ip-options',
      'log-uid',
      'log-macdecode',
    ]);
    return () => CONTINUE;
  },
};
