/** -j TCPMSS (mangle): rewrites the MSS option of SYNs; sizes and verdicts are unchanged, so it only counts. */
import { CONTINUE, checkOptions, type TargetModule } from './target.ts';

export const tcpmssTarget: TargetModule = {
  name: 'TCPMSS',
  tables: ['mangle'],
  compile(target) {
    checkOptions(target, ['set-mss', 'clamp-mss-to-pmtu']);
    return () => CONTINUE;
  },
};
