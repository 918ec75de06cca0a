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
import { fileURLToPath } from 'node:url';
import { COMPILED, MODULE_EXTENSION, moduleUrl, PACKAGE_ROOT, VOCABULARY_DIR } from '../package-paths.ts';
import { enterInRequireCache } from './require-cache.ts';
import { planTypeScript, type TypeScriptPlan } from './typescript-steps.ts';

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
  // The step files themselves; steps/lib/ holds what they import (no step, hook or
  // parameter type of its own), so cucumber need not import each of those files too.
  const vocabulary = listFiles(VOCABULARY_DIR).filter(
    (f) => path.dirname(f) === VOCABULARY_DIR && f.endsWith(MODULE_EXTENSION) && !NOT_SUPPORT.test(f),
  );
  const user = sameDirectory(cwd, packageRoot)
    ? []
    : USER_SUPPORT_DIRS.flatMap((d) => listFiles(path.join(cwd, d))).filter(
        (f) => USER_EXTENSIONS.test(f) && !NOT_SUPPORT.test(f),
      );
  return { vocabulary, user, needsTypeScript: [...vocabulary, ...user].some((f) => TYPESCRIPT.test(f)) };
}

let tsxRegistered = false;

/** nettwin's public API as it runs: what a user's `import … from 'nettwin'` resolves to. */
const API_MODULE = moduleUrl('src/index');

/**
 * A user's .ts step in a package without "type": "module" is CommonJS: tsx compiles its
 * `import { Then } from 'nettwin'` to `require('nettwin')`, which would load a second,
 * transpiled copy of nettwin's API and of the modules behind it (about 16 files through
 * esbuild, a second RulesetError class…). Registering the API's ES module namespace in
 * require's cache under its own file makes that require return the one loaded copy.
 */
export async function shareApiWithRequire(): Promise<void> {
  const api = (await import(API_MODULE.href)) as Record<string, unknown>;
  enterInRequireCache(realpathSync(fileURLToPath(API_MODULE)), api);
}

/** Imported before any support code (run and steps): a project's '@cucumber/cucumber' is the running one. */
export const SHARE_CUCUMBER = fileURLToPath(moduleUrl('src/cli/share-cucumber'));

/** What cucumber imports for a run or a listing in one directory, and in which order. */
export interface SupportImports {
  /** tsx's hooks must be registered before cucumber imports `imports`. */
  needsHooks: boolean;
  /**
   * SHARE_CUCUMBER, then `first` (e.g. a worker's tsx registration), the vocabulary,
   * and the user's files (compiled nettwin: CommonJS TypeScript through its shims).
   */
  imports: (first?: readonly string[]) => string[];
  /** Removes the TypeScript shims (call once cucumber has loaded the support code). */
  dispose: () => void;
}

/**
 * The support code of `cwd` as `nettwin run` and `nettwin steps` both load it: compiled,
 * CommonJS TypeScript needs no hooks thread (typescript-steps.ts); from source everything does.
 */
export function supportImports(cwd: string): SupportImports {
  const code = findSupportCode(cwd);
  const plan: TypeScriptPlan | undefined = COMPILED ? planTypeScript(code.user) : undefined;
  return {
    needsHooks: plan ? plan.needsHooks : code.needsTypeScript,
    imports: (first = []) => [
      SHARE_CUCUMBER,
      ...first,
      ...code.vocabulary,
      ...(plan ? plan.imports : code.user),
    ],
    dispose: () => plan?.dispose(),
  };
}

/**
 * Register tsx's hooks once in this process (TypeScript support code on Node 20).
 * After that, every module imported goes through tsx's hooks, which run in a worker
 * thread; so the compiled nettwin modules a run needs anyway (`preload`: e.g. the model
 * backend) are imported first, where no hook slows them.
 */
export async function registerTypeScript(preload: readonly URL[] = []): Promise<void> {
  if (tsxRegistered) return;
  if (COMPILED) {
    await shareApiWithRequire();
    for (const module of preload) await import(module.href);
  }
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
