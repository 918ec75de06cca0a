/** -j CONNMARK --set-mark/--set-xmark/--save-mark/--restore-mark: the conntrack entry's mark, goes on. */
import { markUpdate } from './mark.ts';
import { CONTINUE, type TargetModule, TargetOptionError } from './target.ts';

export const connmarkTarget: TargetModule = {
  name: 'CONNMARK',
  compile(target) {
    const option = target.options[0];
    if (!option) throw new TargetOptionError('-j CONNMARK needs --set-mark, --save-mark or --restore-mark');
    if (option.name === 'save-mark' || option.name === 'restore-mark') {
      const save = option.name === 'save-mark';
      return (p) => {
        if (p.ct) {
          if (save) p.ct.mark = p.mark;
          else p.mark = p.ct.mark;
        }
        return CONTINUE;
      };
    }
    if (option.args.length !== 1)
      throw new TargetOptionError(`-j CONNMARK --${option.name} expects 1 argument`);
    const update = markUpdate('CONNMARK', option.name, option.args[0] as string);
    return (p) => {
      if (p.ct) p.ct.mark = update(p.ct.mark);
      return CONTINUE;
    };
  },
};
