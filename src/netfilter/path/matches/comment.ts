/** -m comment --comment TEXT: documentation only, always matches. */
import { type MatchModule, requireArgs, unknownOption } from './match.ts';

export const commentMatch: MatchModule = {
  name: 'comment',
  compile(match) {
    for (const option of match.options) {
      if (option.name !== 'comment') unknownOption(match, option);
      requireArgs(match, option, 1);
    }
    return () => true;
  },
};
