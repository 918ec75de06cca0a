/**
 * What a run needs before its first host starts: the DinD image of each Docker
 * version and the workload image. Images named by settings (a registry image such as
 * docker:20.10-dind) are only checked; our recipe tags are built when missing.
 */
import { type DindConfig, loadDindConfig } from '../config.ts';
import { buildRecipeImage, imageExists } from './build-image.ts';
import { RECIPES, recipeTag } from './recipes.ts';

/** Recipe names, in build order, whose images `config` needs for `versions`. */
export function recipesNeeded(config: DindConfig, versions: readonly string[]): string[] {
  const wanted = new Set<string>();
  const ours = (tag: string) => RECIPES.find((r) => recipeTag(r.name) === tag)?.name;
  const workload = ours(config.workloadImage);
  if (workload) wanted.add(workload);
  for (const version of versions) {
    const tag = config.dindImages[version];
    if (!tag) throw new Error(`No DinD image configured for Docker ${version}; set NETTWIN_DIND_IMAGE.`);
    const name = ours(tag);
    if (name) {
      for (const need of RECIPES.find((r) => r.name === name)?.needs ?? []) wanted.add(need);
      wanted.add(name);
    }
  }
  return RECIPES.map((r) => r.name).filter((n) => wanted.has(n));
}

/** Build what is missing; throws for a configured non-recipe image that is absent. */
export async function ensureImages(versions: readonly string[], config = loadDindConfig()): Promise<void> {
  for (const name of recipesNeeded(config, versions)) await buildRecipeImage(name);
  const images = [config.workloadImage, ...versions.map((v) => config.dindImages[v] as string)];
  for (const image of images) {
    if (!(await imageExists(image))) {
      throw new Error(
        `Image "${image}" is not present; pull it or unset the NETTWIN_* setting that names it.`,
      );
    }
  }
}
