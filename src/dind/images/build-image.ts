/**
 * Build one recipe's image unless it exists. The recipe's output goes to a log file;
 * a failure throws ImageBuildError with the last lines and removes any half-built
 * image, so the next run starts clean.
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import createDebug from 'debug';
import { execa } from 'execa';
import { requireDocker } from '../docker-client.ts';
import { ImageBuildError } from '../errors.ts';
import { LABEL_MANAGED } from '../labels.ts';
import { findRecipe, recipeTag } from './recipes.ts';

const log = createDebug('nettwin:images');
export const LABEL_RECIPE = 'org.nettwin.recipe';

export async function imageExists(tag: string): Promise<boolean> {
  const docker = await requireDocker();
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}

async function removeImage(tag: string): Promise<void> {
  const docker = await requireDocker();
  await docker
    .getImage(tag)
    .remove({ force: true })
    .catch(() => undefined);
}

export interface BuildResult {
  tag: string;
  built: boolean;
  seconds: number;
  logFile?: string;
}

/** Build `nettwin/<name>:<hash>` from docker/<name>/build.sh if it is missing. */
export async function buildRecipeImage(
  name: string,
  options: { force?: boolean } = {},
): Promise<BuildResult> {
  const recipe = findRecipe(name);
  const tag = recipeTag(name);
  if (!options.force && (await imageExists(tag))) {
    log('Image "%s" is up to date', tag);
    return { tag, built: false, seconds: 0 };
  }
  const logDir = join(tmpdir(), 'nettwin-images');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${name}-${tag.split(':')[1]}.log`);
  const started = Date.now();
  log('Building image "%s" from %s...', tag, recipe.dir);
  const env: Record<string, string> = {
    IMAGE: tag,
    NETTWIN_LABELS: `${LABEL_MANAGED}=true ${LABEL_RECIPE}=${name}`,
  };
  if (recipe.needs.includes('workload')) env.NETTWIN_WORKLOAD_IMAGE = recipeTag('workload');
  const result = await execa('bash', [join(recipe.dir, 'build.sh')], {
    env,
    all: true,
    reject: false,
    stdin: 'ignore',
    stdout: ['pipe', { file: logFile }],
    stderr: ['pipe', { file: logFile }],
  });
  if (result.exitCode !== 0 || !(await imageExists(tag))) {
    await removeImage(tag);
    await removeImage(tag.replace(':', '-base:'));
    const text = await readFile(logFile, 'utf8').catch(() => String(result.all ?? ''));
    const tail = text.trimEnd().split('\n').slice(-15).join('\n');
    throw new ImageBuildError(tag, join(recipe.dir, 'build.sh'), logFile, tail);
  }
  const seconds = (Date.now() - started) / 1000;
  log('Built image "%s" in %ds', tag, seconds.toFixed(1));
  await pruneOldTags(name, tag);
  return { tag, built: true, seconds, logFile };
}

/** Older builds of the same recipe are dead weight (hundreds of MB each). */
async function pruneOldTags(name: string, keep: string): Promise<void> {
  const docker = await requireDocker();
  const images = await docker.listImages({ filters: { label: [`${LABEL_RECIPE}=${name}`] } });
  for (const image of images) {
    const tags = image.RepoTags ?? [];
    if (tags.includes(keep)) continue;
    if (!tags.every((t) => t.startsWith(`nettwin/${name}:`))) continue;
    await docker
      .getImage(image.Id)
      .remove({ force: false })
      .catch(() => undefined);
  }
}
