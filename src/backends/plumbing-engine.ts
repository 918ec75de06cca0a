/**
 * Which real engine plumbs a Docker profile that has none of its own (Docker 29's rules on
 * a 28.5 kernel: src/backends/predicted-rules.ts). Kept apart, with no imports, because the
 * command line asks it before any run starts (`nettwin --version` should not load rulesets).
 */
/** Profiles whose rules run on a real kernel of another engine → that engine's version. */
export const PLUMBING_ENGINES: Readonly<Record<string, string>> = { '29.7': '28.5' };

/** "29.7", "29.7.2" → "28.5"; a version with its own real engine → undefined. */
export function plumbingEngineFor(dockerVersion: string): string | undefined {
  const [major, minor] = dockerVersion.split('.');
  return PLUMBING_ENGINES[`${major}.${minor}`];
}

/** The engine whose image a run needs for `dockerVersion` (itself, or its plumbing engine). */
export function engineImageVersion(dockerVersion: string): string {
  return plumbingEngineFor(dockerVersion) ?? dockerVersion;
}
