/**
 * The image recipes under docker/ and their content-addressed tags: a tag is
 * `nettwin/<name>:<hash>` of the recipe directory plus docker/common (and, for DinD
 * images, the workload recipe they bake in), so a changed recipe rebuilds and an
 * unchanged one costs nothing.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DOCKER_DIR } from '../../package-paths.ts';

// Found from the package root, so it works from the sources and from dist/ alike.
export { DOCKER_DIR };

export interface Recipe {
  name: string;
  /** Directory holding build.sh. */
  dir: string;
  /** Shared files (under docker/) the recipe uses, hashed with its directory. */
  shared: string[];
  /** Recipes whose images this one needs at build time. */
  needs: string[];
}

export const RECIPES: readonly Recipe[] = [
  { name: 'workload', dir: join(DOCKER_DIR, 'workload'), shared: ['common/lib.sh'], needs: [] },
  { name: 'dind-20.10', dir: join(DOCKER_DIR, 'dind-20.10'), shared: ['common'], needs: ['workload'] },
  { name: 'dind-26.1', dir: join(DOCKER_DIR, 'dind-26.1'), shared: ['common'], needs: ['workload'] },
  { name: 'dind-28.5', dir: join(DOCKER_DIR, 'dind-28.5'), shared: ['common'], needs: ['workload'] },
];

export function findRecipe(name: string): Recipe {
  const recipe = RECIPES.find((r) => r.name === name);
  if (!recipe)
    throw new Error(
      `No image recipe "${name}" under ${DOCKER_DIR}; known: ${RECIPES.map((r) => r.name).join(', ')}`,
    );
  return recipe;
}

function listFiles(dir: string): string[] {
  if (!statSync(dir).isDirectory()) return [dir];
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

/** Hash of the files (names, modes and contents) of the given directories or files. */
export function hashDirectories(dirs: string[]): string {
  const hash = createHash('sha256');
  for (const dir of dirs) {
    for (const file of listFiles(dir)) {
      hash.update(relative(DOCKER_DIR, file));
      hash.update(String(statSync(file).mode & 0o111 ? 'x' : '-'));
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex').slice(0, 12);
}

const tagCache = new Map<string, string>();

export function recipeHash(name: string): string {
  const recipe = findRecipe(name);
  const paths = (r: Recipe) => [r.dir, ...r.shared.map((f) => join(DOCKER_DIR, f))];
  const dirs = paths(recipe);
  // A DinD image bakes in the workload image: its recipe is part of this one.
  for (const need of recipe.needs) dirs.push(...paths(findRecipe(need)));
  return hashDirectories(dirs);
}

/** `nettwin/<name>:<hash>` — the default tag of a recipe's image. */
export function recipeTag(name: string): string {
  let tag = tagCache.get(name);
  if (!tag) {
    tag = `nettwin/${name}:${recipeHash(name)}`;
    tagCache.set(name, tag);
  }
  return tag;
}
