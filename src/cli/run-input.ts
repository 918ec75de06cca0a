/**
 * What `nettwin run` checks before anything runs (exit 2, the last reports left as they
 * were): the Docker version and the feature paths it was given.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ownImageVariable, plumbingEngineFor } from '../backends/plumbing-engine.ts';
import { getProfile, PROFILES, VERIFIED_DOCKER_VERSIONS } from '../docker/profile.ts';

export class RunUsageError extends Error {
  override name = 'RunUsageError';
}

/** The backends of a run (run.ts: BACKENDS). */
type Backend = 'model' | 'dind' | 'twin';

/**
 * The Docker version of the run, checked before anything runs: a profile the model has,
 * and on real hosts (dind, twin) one with an engine image. `source` names where it came from.
 */
export function checkDockerVersion(
  version: string,
  backend: Backend,
  source = '--docker-version',
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const real = backend !== 'model';
  const known = Object.keys(PROFILES)
    .map((v) => (VERIFIED_DOCKER_VERSIONS.includes(v) ? v : `${v} (model only)`))
    .join(', ');
  let profile: string;
  try {
    profile = getProfile(version).version;
  } catch {
    throw new RunUsageError(`${source} is "${version}": nettwin knows Docker ${known}`);
  }
  // Docker 29 on twin: its predicted rules on a real kernel (src/backends/predicted-rules.ts).
  const onKernel = backend === 'twin' && plumbingEngineFor(profile, env) !== undefined;
  // A user's own image of that version (NETTWIN_DIND_IMAGE_29_7): its daemon is the real engine.
  const ownEngine = Boolean(env[ownImageVariable(profile)]);
  if (real && !onKernel && !ownEngine && !VERIFIED_DOCKER_VERSIONS.includes(profile)) {
    throw new RunUsageError(
      `${source} is "${version}": the ${backend} backend runs real engines of Docker ${VERIFIED_DOCKER_VERSIONS.join(', ')}; ` +
        `${profile} exists in the model only (--backend model)`,
    );
  }
  return version;
}

/**
 * Feature paths that do not exist, checked before cucumber runs (it would run nothing,
 * say nothing and overwrite the reports). `features/a.feature:12` names a line of a file.
 */
export function checkFeaturePaths(paths: readonly string[], cwd: string): void {
  const missing = paths.filter((p) => !existsSync(path.resolve(cwd, p.replace(/(?::\d+)+$/, ''))));
  if (missing.length > 0) {
    throw new RunUsageError(
      `no such feature file or directory: ${missing.join(', ')} (in ${cwd}); nothing ran, the reports were left as they were`,
    );
  }
  if (paths.length === 0 && !existsSync(path.join(cwd, 'features'))) {
    throw new RunUsageError(
      `no features/ directory in ${cwd}: name feature files, or run \`nettwin init\` to write a first one`,
    );
  }
}
