/** -j MARK --set-mark/--set-xmark/--and-mark/--or-mark/--xor-mark: sets the packet's fwmark, goes on. */
import { parseMarkValue } from '../matches/mark-value.ts';
import { CONTINUE, type TargetModule, TargetOptionError } from './target.ts';

/** Returns (old) => new for one MARK/CONNMARK --*-mark option. */
export function markUpdate(targetName: string, name: string, arg: string): (old: number) => number {
  const context = `-j ${targetName} --${name}`;
  const { value, mask } = parseMarkValue(arg, context);
  switch (name) {
    case 'set-mark':
      return (old) => ((old & ~mask) | value) >>> 0;
    case 'set-xmark':
      return (old) => ((old & ~mask) ^ value) >>> 0;
    case 'and-mark':
      return (old) => (old & value) >>> 0;
    case 'or-mark':
      return (old) => (old | value) >>> 0;
    case 'xor-mark':
      return (old) => (old ^ value) >>> 0;
    default:
      throw new TargetOptionError(`-j ${targetName}: unsupported option --${name}`);
  }
}

export const markTarget: TargetModule = {
  name: 'MARK',
  compile(target) {
    if (target.options.length !== 1 || target.options[0]?.args.length !== 1) {
      throw new TargetOptionError(
        '-j MARK needs exactly one of --set-mark/--set-xmark/--and-mark/--or-mark/--xor-mark VALUE',
      );
    }
    const option = target.options[0];
    const update = markUpdate('MARK', option.name, option.args[0] as string);
    return (p) => {
      p.mark = update(p.mark);
      return CONTINUE;
    };
  },
};
