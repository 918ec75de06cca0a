/**
 * Scenarios that state one Docker version's truth carry a version tag, and run only when
 * the scenario's Docker version (`nettwin run --docker-version`, default 28.5) fits it:
 *
 *   @docker-before-28   Docker below 28 (20.10, 26.1: the FORWARD rules of the seeds)
 *   @docker-28          Docker 28.x (28.5: DOCKER-FORWARD, raw PREROUTING drops)
 *   @docker-before-29   Docker below 29 (the isolation chains and nat `-i <bridge> -j RETURN`)
 *   @docker-29          Docker 29.x (29.7: no isolation chains, DOCKER-INTERNAL; model only here)
 *   @docker-26.1        Docker 26.1 only (a tag may name major.minor)
 *
 * Several version tags on one scenario (with the feature's and the Examples' tags) mean
 * any of them. A scenario for other versions is skipped, not failed, and counted as
 * skipped; a scenario with no version tag runs on every version.
 */

const VERSION_TAG = /^@docker-(before-)?(\d+(?:\.\d+)?)$/;

/** 28.5 → [28, 5]; 28 → [28]. */
function parts(version: string): number[] {
  return version.split('.').map((p) => Number.parseInt(p, 10));
}

/** a < b, comparing as many parts as b names (28.5 is not before 28; 26.1 is). */
function before(version: number[], bound: number[]): boolean {
  for (let i = 0; i < bound.length; i++) {
    const v = version[i] ?? 0;
    const b = bound[i] ?? 0;
    if (v !== b) return v < b;
  }
  return false;
}

/** 28.5 is in @docker-28 and in @docker-28.5, not in @docker-28.1. */
function within(version: number[], tag: number[]): boolean {
  return tag.every((p, i) => version[i] === p);
}

/** The version tags among `tags` (with their @). */
export function versionTags(tags: readonly string[]): string[] {
  return tags.filter((t) => VERSION_TAG.test(t));
}

/** Whether a scenario with these tags runs on Docker `version` (true without version tags). */
export function runsOnDockerVersion(tags: readonly string[], version: string): boolean {
  const found = versionTags(tags);
  if (found.length === 0) return true;
  const v = parts(version);
  return found.some((tag) => {
    const m = VERSION_TAG.exec(tag) as RegExpExecArray;
    const bound = parts(m[2] as string);
    return m[1] ? before(v, bound) : within(v, bound);
  });
}
