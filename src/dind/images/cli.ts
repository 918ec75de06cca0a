/**
 * `npm run images [-- --force] [NAME…]`: build the image recipes under docker/ that
 * are missing. The workload image first (the DinD images bake it in), then the DinD
 * images side by side.
 */
import { Command } from 'commander';
import { Listr } from 'listr2';
import { buildRecipeImage } from './build-image.ts';
import { findRecipe, RECIPES, recipeTag } from './recipes.ts';

const program = new Command('images')
  .description('build the nettwin images from docker/<name>/build.sh (debootstrap + docker import)')
  .argument('[names...]', `recipes to build (default: all of ${RECIPES.map((r) => r.name).join(', ')})`)
  .option('--force', 'rebuild even when the tagged image exists')
  .option('--sequential', 'build one image at a time')
  .action(async (names: string[], options: { force?: boolean; sequential?: boolean }) => {
    const chosen = names.length > 0 ? names.map((n) => findRecipe(n).name) : RECIPES.map((r) => r.name);
    const task = (name: string) => ({
      title: `${name} → ${recipeTag(name)}`,
      task: async (_ctx: unknown, t: { title: string }) => {
        const result = await buildRecipeImage(name, { force: options.force });
        t.title = result.built
          ? `${name} → ${result.tag} (built in ${result.seconds.toFixed(0)} s)`
          : `${name} → ${result.tag} (up to date)`;
      },
    });
    const first = chosen.filter((n) => findRecipe(n).needs.length === 0);
    const rest = chosen.filter((n) => findRecipe(n).needs.length > 0);
    const tasks = new Listr(
      [
        {
          title: 'base images',
          task: (_c, t) => t.newListr(first.map(task), { concurrent: !options.sequential }),
        },
        {
          title: 'DinD images',
          task: (_c, t) => t.newListr(rest.map(task), { concurrent: !options.sequential }),
        },
      ],
      { exitOnError: true, renderer: process.stdout.isTTY ? 'default' : 'simple' },
    );
    await tasks.run();
  });

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
