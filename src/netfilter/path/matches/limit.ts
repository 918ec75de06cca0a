/**
 * -m limit --limit RATE [--limit-burst N]: a token bucket. The twin has no clock and its
 * flows are a handful of packets, so it assumes the bucket is never empty: the match
 * always holds (a flow longer than the burst at a rate above the limit would differ).
 */
import { type MatchModule, MatchOptionError, requireArgs, unknownOption } from './match.ts';

export const limitMatch: MatchModule = {
  name: 'limit',
  compile(match) {
    for (const option of match.options) {
      if (option.name !== 'limit' && option.name !== 'limit-burst') unknownOption(match, option);
      const [text] = requireArgs(match, option, 1) as [string];
      const ok =
        option.name === 'limit'
          ? /^\d+(\/(second|sec|s|minute|min|m|hour|h|day|d))?$/.test(text)
          : /^\d+$/.test(text);
      if (!ok) throw new MatchOptionError(`-m limit --${option.name}: bad value "${text}"`);
    }
    return () => true;
  },
};
