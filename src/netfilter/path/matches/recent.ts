/**
 * -m recent (ufw's `limit` rules: `--set`, then `--update --seconds 30 --hitcount 6`).
 * The twin has no clock and no per-source history: `--set` matches (it only records the
 * source), and a check with `--hitcount N` assumes the source was seen fewer than N times
 * in the window, so it does not match: true for the few connections a scenario makes
 * (ufw's limit needs 6 new connections in 30 s from one address). A check without a
 * hit count, or `--remove`, would depend on that history: refused, never guessed.
 */
import { inverted, type MatchModule, MatchOptionError, requireArgs, unknownOption } from './match.ts';

const FLAGS = new Set(['set', 'rcheck', 'update', 'remove', 'reap', 'rttl', 'rsource', 'rdest']);

export const recentMatch: MatchModule = {
  name: 'recent',
  compile(match) {
    let mode: 'set' | 'rcheck' | 'update' | 'remove' | undefined;
    let invert = false;
    let hitcount: number | undefined;
    for (const option of match.options) {
      if (FLAGS.has(option.name)) {
        requireArgs(match, option, 0);
        if (
          option.name === 'set' ||
          option.name === 'rcheck' ||
          option.name === 'update' ||
          option.name === 'remove'
        ) {
          if (mode) throw new MatchOptionError('-m recent: only one of --set, --rcheck, --update, --remove');
          mode = option.name;
          invert = option.invert;
        }
        continue;
      }
      if (
        option.name !== 'seconds' &&
        option.name !== 'hitcount' &&
        option.name !== 'name' &&
        option.name !== 'mask'
      ) {
        unknownOption(match, option);
      }
      const [text] = requireArgs(match, option, 1) as [string];
      if ((option.name === 'seconds' || option.name === 'hitcount') && !/^\d+$/.test(text)) {
        throw new MatchOptionError(`-m recent --${option.name}: bad value "${text}"`);
      }
      if (option.name === 'hitcount') hitcount = Number(text);
    }
    if (!mode) throw new MatchOptionError('-m recent needs one of --set, --rcheck, --update, --remove');
    if (mode === 'set') return inverted(invert, () => true);
    if (mode === 'remove' || hitcount === undefined || hitcount <= 1) {
      throw new MatchOptionError(
        `-m recent --${mode}${hitcount === undefined ? '' : ` --hitcount ${hitcount}`}: not modelled (it depends on each source's history; the twin models --set and checks with --hitcount 2 or more)`,
      );
    }
    return inverted(invert, () => false);
  },
};
