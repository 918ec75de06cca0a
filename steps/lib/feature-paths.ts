/**
 * Files a feature names (an iptables-save dump, a snapshot). Features travel: they are
 * attached to bug reports and copied from other projects, and a file they name is read
 * by the runner's user, with parts of it echoed into errors and the HTML report (a
 * dump's offending line, a snapshot's fields). So a feature may read files below the
 * working directory or below its own directory only — after symbolic links are
 * followed, so a link in a checkout cannot point elsewhere. NETTWIN_ALLOW_ANY_PATH=1
 * lifts the limit for features the runner trusts.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';

export const ALLOW_ANY_PATH_ENV = 'NETTWIN_ALLOW_ANY_PATH';

/** A feature named a file outside the places it may read; the message says how to allow it. */
export class FeaturePathError extends Error {
  override name = 'FeaturePathError';
}

/** Whether absolute `target` is `root` or below it (both already normalized, no `..` left). */
export function isWithin(target: string, root: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

export interface FeaturePathContext {
  /** The directory relative paths are read from (the run's working directory). */
  cwd: string;
  /** The feature file naming the path, relative to cwd or absolute; its directory is allowed too. */
  featureUri?: string | undefined;
  /** Environment: NETTWIN_ALLOW_ANY_PATH=1 allows any path. */
  env?: NodeJS.ProcessEnv;
}

/** The directories a feature may read below: the working directory and the feature's own. */
export async function allowedRoots(ctx: FeaturePathContext): Promise<string[]> {
  const dirs = [ctx.cwd];
  if (ctx.featureUri) dirs.push(path.dirname(path.resolve(ctx.cwd, ctx.featureUri)));
  const roots: string[] = [];
  for (const dir of dirs) roots.push(await realpath(dir).catch(() => path.resolve(dir)));
  return [...new Set(roots)];
}

/**
 * The real path to read for `file` as a feature names it (relative to the working
 * directory), or a FeaturePathError when it lies outside the allowed directories. A file
 * that does not exist is returned as resolved: reading it then fails with its own error.
 */
export async function featurePath(file: string, what: string, ctx: FeaturePathContext): Promise<string> {
  const resolved = path.resolve(ctx.cwd, file);
  if (ctx.env?.[ALLOW_ANY_PATH_ENV] === '1') return resolved;
  const real = await realpath(resolved).catch(() => resolved);
  const roots = await allowedRoots(ctx);
  if (roots.some((root) => isWithin(real, root))) return real;
  const via = real === resolved ? '' : ` (a link to ${real})`;
  throw new FeaturePathError(
    `the ${what} "${file}"${via} is outside the directories a feature may read (${roots.join(', ')}); ` +
      `move it there, or run with ${ALLOW_ANY_PATH_ENV}=1 if you trust this feature`,
  );
}
