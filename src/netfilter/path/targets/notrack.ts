/**
 * -j NOTRACK and -j CT --notrack (raw table): the packet skips connection tracking, so
 * it is UNTRACKED, never NATed, and never NEW for the nat chains.
 */
import { CONTINUE, checkOptions, type TargetModule, TargetOptionError } from './target.ts';

export const notrackTarget: TargetModule = {
  name: 'NOTRACK',
  tables: ['raw'],
  compile(target) {
    checkOptions(target, []);
    return (p) => {
      p.notrack = true;
      return CONTINUE;
    };
  },
};

export const ctTarget: TargetModule = {
  name: 'CT',
  tables: ['raw'],
  compile(target) {
    const names = target.options.map((o) => o.name);
    if (names.length !== 1 || names[0] !== 'notrack') {
      throw new TargetOptionError(
        `-j CT: only --notrack is modelled (got ${names.map((n) => `--${n}`).join(' ') || 'no option'})`,
      );
    }
    return (p) => {
      p.notrack = true;
      return CONTINUE;
    };
  },
};
