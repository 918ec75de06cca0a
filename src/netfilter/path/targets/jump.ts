/**
 * -j CHAIN (push a return point) and -g CHAIN (goto: no return point, so a RETURN in
 * CHAIN returns to the caller's caller). Resolved against the table's user chains.
 */
import type { TargetSpec } from '../../types.ts';
import { type TargetFn, TargetOptionError, type TargetVerdict } from './target.ts';

export function compileJump(target: TargetSpec): TargetFn {
  if (target.options.length > 0) {
    throw new TargetOptionError(
      `-${target.goto ? 'g' : 'j'} ${target.name}: a jump to a user chain takes no options`,
    );
  }
  const verdict: TargetVerdict = target.goto
    ? { kind: 'goto', chain: target.name }
    : { kind: 'jump', chain: target.name };
  return () => verdict;
}
