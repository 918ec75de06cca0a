/**
 * What cucumber-expressions asks of the package regexp-match-indices — `exec(regexp,
 * string)` with the match's `indices` (each group's start and end) — done by the
 * JavaScript engine itself: the `d` flag (ES2022; Node 16 and later).
 *
 * The package detects that support by matching without the flag, finds no `indices`,
 * and falls back to re-parsing each regular expression with regexp-tree and matching
 * it again: for a vocabulary of ~200 regular expressions, about a tenth of a model
 * run's time. The compiled package's bundle of cucumber (scripts/vendor-cucumber.ts)
 * uses this module in its place. Property tests: each group's indices span its text, and
 * the answers are the package's wherever the package is right (not for repeated groups).
 */

const withIndices = new WeakMap<RegExp, RegExp>();

/** The same expression with the `d` flag, made once per expression. */
function flagged(regexp: RegExp): RegExp {
  let flaggedRegexp = withIndices.get(regexp);
  if (!flaggedRegexp) {
    flaggedRegexp = regexp.hasIndices ? regexp : new RegExp(regexp.source, `${regexp.flags}d`);
    withIndices.set(regexp, flaggedRegexp);
  }
  return flaggedRegexp;
}

/** `regexp.exec(string)` with `indices`; `lastIndex` is read and advanced as exec does. */
export default function execWithIndices(regexp: RegExp, string: string): RegExpExecArray | null {
  const flaggedRegexp = flagged(regexp);
  if (flaggedRegexp === regexp) return regexp.exec(string);
  flaggedRegexp.lastIndex = regexp.lastIndex;
  const match = flaggedRegexp.exec(string);
  regexp.lastIndex = flaggedRegexp.lastIndex;
  return match;
}
