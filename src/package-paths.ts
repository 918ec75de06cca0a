/**
 * Where nettwin's own files are, whether it runs from its sources (a checkout, through
 * tsx) or compiled (an installed package: dist/src/…): the package root (package.json,
 * docker/ recipes), the step vocabulary beside this module's tree (steps/ or
 * dist/steps/), and which of the two forms is running.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The nearest directory at or above `from` holding nettwin's package.json. */
export function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'nettwin') return dir;
      } catch {
        // not ours: keep looking
      }
    }
    if (dirname(dir) === dir) throw new Error(`nettwin's package.json is not above ${from}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(HERE);

/** True when this module is compiled JavaScript (dist/), false when run from its TypeScript source. */
export const COMPILED = import.meta.url.endsWith('.js');

/** The image recipes (build.sh per image, common/ scripts): shipped in the package. */
export const DOCKER_DIR = join(PACKAGE_ROOT, 'docker');

/** The tree nettwin's modules run from: the checkout itself, or dist/ when compiled. */
const MODULE_ROOT = COMPILED ? join(PACKAGE_ROOT, 'dist') : PACKAGE_ROOT;

/** nettwin's step vocabulary: steps/ beside src/ (dist/steps/ when compiled). */
export const VOCABULARY_DIR = join(MODULE_ROOT, 'steps');

/** The file extension of nettwin's own modules as they run (.ts from source, .js compiled). */
export const MODULE_EXTENSION = COMPILED ? '.js' : '.ts';

/**
 * Modules loaded by their file rather than by an import the bundler follows: handed to
 * cucumber (formatters, support code), imported by a worker process or a shim, or
 * imported by URL to keep a module out of a command that does not need it. The compiled
 * package keeps each at its own path (scripts/build.ts makes them the bundle's entry
 * points); everything else lives in shared chunks, where `import.meta.url` says nothing
 * about the tree, so no module finds these relative to itself.
 */
export const ENTRY_MODULES = [
  'src/cli/main',
  'src/index',
  'src/backends/model',
  'src/cli/tsx-register',
  'src/cli/share-cucumber',
  'src/cli/snippet-syntax',
  'src/cli/typescript-require',
  'src/report/html-formatter',
  'src/report/junit-formatter',
] as const;

export type EntryModule = (typeof ENTRY_MODULES)[number];

/** Where an entry module runs from: src/index → <package>/dist/src/index.js compiled, <checkout>/src/index.ts from source. */
export function moduleUrl(module: EntryModule): URL {
  return pathToFileURL(join(MODULE_ROOT, `${module}${MODULE_EXTENSION}`));
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string })
    .version;
}
