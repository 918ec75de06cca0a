/**
 * Which real engine plumbs a Docker profile that has none of its own (Docker 29's rules on
 * a 28.5 kernel: src/backends/predicted-rules.ts). Kept apart, with no imports, because the
 * command line asks it before any run starts (`nettwin --version` should not load rulesets).
 */
/** Profiles whose rules run on a real kernel of another engine → that engine's version. */
export const PLUMBING_ENGINES: Readonly<Record<string, string>> = { '29.7': '28.5' };

/**
 * The variable naming a user's own DinD image of that version (`NETTWIN_DIND_IMAGE_29_7`,
 * src/dind/config.ts): with it set, that version runs its own daemon on real hosts.
 */
export function ownImageVariable(dockerVersion: string): string {
  const [major, minor] = dockerVersion.split('.');
  return `NETTWIN_DIND_IMAGE_${major}_${minor}`;
}

/**
 * "29.7", "29.7.2" → "28.5"; a version with its own real engine → undefined, and so is one
 * whose engine the user supplies (its image variable set: Docker 29's own daemon then).
 */
export function plumbingEngineFor(
  dockerVersion: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  if (env[ownImageVariable(dockerVersion)]) return undefined;
  const [major, minor] = dockerVersion.split('.');
  return PLUMBING_ENGINES[`${major}.${minor}`];
}

/** The engine whose image a run needs for `dockerVersion` (itself, or its plumbing engine). */
export function engineImageVersion(
  dockerVersion: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return plumbingEngineFor(dockerVersion, env) ?? dockerVersion;
}

/** What a report says of such a real side: Docker `version`'s rules on a real kernel, not its daemon. */
export function plumbingNotice(version: string, engine: string): string {
  return (
    `Docker ${version}'s rules on a real kernel, not Docker ${version}'s daemon: the real side is a ` +
    `Docker ${engine} host whose daemon writes no rules, loaded after every Docker action with the ` +
    `rules the model predicts for ${version}.`
  );
}
