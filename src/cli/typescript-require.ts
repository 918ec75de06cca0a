/**
 * Imported by the shims of typescript-steps.ts: requires a CommonJS TypeScript file in
 * this thread, with `require('nettwin')` answered by the API already loaded
 * (support-code.ts).
 *
 * The file is compiled by esbuild (the compiler tsx itself uses) and the JavaScript kept
 * in the project's node_modules/.cache/nettwin/typescript/, named by a hash of the source,
 * its path and the compiler's version and options: from the second run on, a step file
 * costs a read, not a compiler. Loading tsx's require hook instead cost a run about as
 * much as all of its scenarios on the model (tsx, esbuild's API and source-map support
 * loaded every time). What tsx does beyond compiling that a step file may rely on is
 * done here too: `.ts` and `.cts` files required by it, and `./x.js` naming `./x.ts`. A
 * project whose tsconfig.json maps module paths (`paths`) goes through tsx, which
 * resolves them.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import path from 'node:path';
import { shareApiWithRequire } from './support-code.ts';

const require = createRequire(import.meta.url);

/** What esbuild is asked for; part of the cache key. */
const TRANSFORM_OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: `node${process.versions.node.split('.')[0]}`,
  sourcemap: 'inline',
} as const;

type CompiledLoader = (
  module: Module & { _compile(code: string, filename: string): void },
  filename: string,
) => void;
type ResolveFilename = (
  request: string,
  parent: { filename?: string | null } | undefined,
  ...rest: unknown[]
) => string;
const ModuleInternals = Module as unknown as {
  _extensions: Record<string, CompiledLoader>;
  _resolveFilename: ResolveFilename;
};

/** The cache key of `source` at `file`: any change of compiler, options, path or text names another file. */
export function cacheKey(file: string, source: string, compilerVersion: string): string {
  return createHash('sha256')
    .update(JSON.stringify([compilerVersion, TRANSFORM_OPTIONS, file]))
    .update('\0')
    .update(source)
    .digest('hex');
}

/** A relative `.js`/`.mjs`/`.cjs` request from a TypeScript file names its `.ts`/`.mts`/`.cts` source. */
export function typeScriptTwin(request: string, parentFile: string | null | undefined): string | undefined {
  if (!parentFile || !/\.[cm]?ts$/.test(parentFile)) return undefined;
  if (!/^\.\.?\//.test(request) || !/\.[cm]?js$/.test(request)) return undefined;
  return request.replace(/js$/, 'ts');
}

/** True when the project's tsconfig.json maps module paths, which only tsx resolves. */
export function tsconfigMapsPaths(cwd: string): boolean {
  try {
    return /"paths"\s*:/.test(readFileSync(path.join(cwd, 'tsconfig.json'), 'utf8'));
  } catch {
    return false;
  }
}

let esbuildVersion: string | undefined;

/** esbuild's version, read once a process (every step file's cache key holds it). */
function compilerVersion(): string {
  esbuildVersion ??= (
    JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')) as { version: string }
  ).version;
  return esbuildVersion;
}

/** The file's JavaScript: from the cache when there, else compiled (and kept when the project has node_modules). */
function compiled(file: string, cacheDir: string | undefined): string {
  const source = readFileSync(file, 'utf8');
  const version = compilerVersion();
  const cached = cacheDir ? path.join(cacheDir, `${cacheKey(file, source, version)}.js`) : undefined;
  if (cached && existsSync(cached)) return readFileSync(cached, 'utf8');
  const esbuild = require('esbuild') as typeof import('esbuild');
  const { code } = esbuild.transformSync(source, { ...TRANSFORM_OPTIONS, sourcefile: file });
  if (cached && cacheDir) {
    // Written beside and renamed: a parallel worker compiling the same file never reads half
    // of it. A cache that cannot be written (a read-only node_modules) only costs speed.
    const partial = `${cached}.${process.pid}.partial`;
    try {
      mkdirSync(cacheDir, { recursive: true });
      writeFileSync(partial, code);
      renameSync(partial, cached);
    } catch {
      try {
        rmSync(partial, { force: true });
      } catch {
        // nothing was written
      }
    }
  }
  return code;
}

/** Where the project in `cwd` keeps compiled steps: beside its packages, or nowhere without node_modules. */
export function cacheDirOf(cwd: string): string | undefined {
  const modules = path.join(cwd, 'node_modules');
  return existsSync(modules) ? path.join(modules, '.cache', 'nettwin', 'typescript') : undefined;
}

function registerCompiler(): void {
  // Stack traces of the step files name their TypeScript lines (the inline source maps).
  process.setSourceMapsEnabled(true);
  // The project is the working directory at each load (cucumber's, in a run and its workers).
  const load: CompiledLoader = (module, filename) =>
    module._compile(compiled(filename, cacheDirOf(process.cwd())), filename);
  ModuleInternals._extensions['.ts'] = load;
  ModuleInternals._extensions['.cts'] = load;
  const resolve = ModuleInternals._resolveFilename;
  ModuleInternals._resolveFilename = function resolveTypeScript(request, parent, ...rest) {
    try {
      return resolve.call(this, request, parent, ...rest);
    } catch (error) {
      const twin = typeScriptTwin(request, parent?.filename);
      if (twin === undefined || (error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
      return resolve.call(this, twin, parent, ...rest);
    }
  };
}

let registered: Promise<void> | undefined;

async function registerRequireHook(cwd: string): Promise<void> {
  await shareApiWithRequire();
  if (tsconfigMapsPaths(cwd)) {
    const api = (await import('tsx/cjs/api')) as { register: () => unknown };
    api.register();
    return;
  }
  registerCompiler();
}

export async function requireTypeScript(file: string): Promise<void> {
  registered ??= registerRequireHook(process.cwd());
  await registered;
  createRequire(file)(file);
}
