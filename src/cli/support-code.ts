/**
 * What cucumber loads for `nettwin run`: nettwin's own step vocabulary, always from the
 * package (steps/*.ts from a checkout, dist/steps/*.js installed), then the user's
 * support code beside it — `steps/**` and `features/**` of the working directory,
 * JavaScript or TypeScript. TypeScript is loaded through tsx's ESM hooks, registered
 * only when a TypeScript file is about to be imported (as cucumber-js users do with
 * `--import tsx`).
 */
import { type Dirent, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { MODULE_EXTENSION, PACKAGE_ROOT, VOCABULARY_DIR } from '../package-paths.ts';

/** The user's support code: these directories of the working directory, these extensions. */
export const USER_SUPPORT_DIRS = ['steps', 'features'] as const;
const USER_EXTENSIONS = /\.(?:[cm]?js|[cm]?ts)$/;
const NOT_SUPPORT = /\.d\.[cm]?ts$|\.(?:test|spec|docker-test|pack-test|test-helper)\.[cm]?[jt]s$/;
const TYPESCRIPT = /\.[cm]?ts$/;

export interface SupportCode {
  /** Files to import, vocabulary first, as absolute paths. */
  vocabulary: string[];
  user: string[];
  /** Some file is TypeScript: tsx's hooks must be registered before the import. */
  needsTypeScript: boolean;
}

function listFiles(dir: string): string[] {
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? (e as { path: string }).path, e.name))
    .filter((f) => !path.relative(dir, f).split(path.sep).includes('node_modules'))
    .sort();
}

function sameDirectory(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/**
 * The vocabulary and the user's support code for a run in `cwd`. In nettwin's own
 * checkout the working directory's steps/ *is* the vocabulary: nothing is added twice.
 */
export function findSupportCode(cwd: string, packageRoot = PACKAGE_ROOT): SupportCode {
  const vocabulary = listFiles(VOCABULARY_DIR).filter(
    (f) => f.endsWith(MODULE_EXTENSION) && !NOT_SUPPORT.test(f),
  );
  const user = sameDirectory(cwd, packageRoot)
    ? []
    : USER_SUPPORT_DIRS.flatMap((d) => listFiles(path.join(cwd, d))).filter(
        (f) => USER_EXTENSIONS.test(f) && !NOT_SUPPORT.test(f),
      );
  return { vocabulary, user, needsTypeScript: [...vocabulary, ...user].some((f) => TYPESCRIPT.test(f)) };
}

let tsxRegistered = false;

/** Register tsx's ESM hooks once in this process (TypeScript support code on Node 20). */
export async function registerTypeScript(): Promise<void> {
  if (tsxRegistered) return;
  type Api = { register: () => unknown };
  let apis: Api[];
  try {
    // Both hooks, as `node --import tsx` does: a .ts file in a package without
    // "type": "module" is CommonJS to Node, and goes through the require hook.
    apis = [(await import('tsx/esm/api')) as Api, (await import('tsx/cjs/api')) as Api];
  } catch (cause) {
    throw new Error(
      'TypeScript step files need tsx to load (a dependency of nettwin); it could not be imported',
      { cause },
    );
  }
  for (const api of apis) api.register();
  tsxRegistered = true;
}
