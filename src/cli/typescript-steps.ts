/**
 * How a user's TypeScript support code is loaded when nettwin runs compiled (installed).
 *
 * tsx's ES module hooks run in a worker thread (Node 20's module.register): registering
 * them costs about 0.3 s of CPU, and every module imported afterwards goes through that
 * thread. A .ts file in a package without "type": "module" (what `nettwin init` writes
 * into a project that has no "type") is CommonJS anyway: tsx's require hook, which runs
 * in this thread, loads it. So each such file is handed to cucumber as a small ES module
 * shim that requires it: cucumber imports the shim where it would have imported the file,
 * so hooks and steps register in the same order, and no worker thread starts. ES module
 * TypeScript (.mts, or .ts under "type": "module") still needs the hooks.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { moduleUrl } from '../package-paths.ts';

export type ModuleFormat = 'commonjs' | 'module';

/** What Node makes of a TypeScript file: .cts CommonJS, .mts ES module, .ts as its package.json says. */
export function typeScriptFormat(file: string, readPackageType = packageTypeAbove): ModuleFormat {
  if (/\.cts$/.test(file)) return 'commonjs';
  if (/\.mts$/.test(file)) return 'module';
  return readPackageType(path.dirname(file)) === 'module' ? 'module' : 'commonjs';
}

/** The "type" of the nearest package.json at or above `dir` (undefined: none says). */
export function packageTypeAbove(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const manifest = path.join(d, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type;
      } catch {
        return undefined;
      }
    }
    if (path.dirname(d) === d) return undefined;
  }
}

export interface TypeScriptPlan {
  /** The user's files as cucumber should import them (shims in place of CommonJS .ts files). */
  imports: string[];
  /** Some file is ES module TypeScript: tsx's hooks must be registered. */
  needsHooks: boolean;
  /** Removes the shims (after the run). */
  dispose(): void;
}

/** The module a shim imports to require a .ts file. */
export const REQUIRE_MODULE = moduleUrl('src/cli/typescript-require');

/** The text of a shim that requires `file` through `requireModule`. */
export function shimText(file: string, requireModule: URL = REQUIRE_MODULE): string {
  return [
    '// Written by nettwin run: requires a CommonJS TypeScript step file (see src/cli/typescript-steps.ts).',
    `import { requireTypeScript } from ${JSON.stringify(requireModule.href)};`,
    `await requireTypeScript(${JSON.stringify(file)});`,
    '',
  ].join('\n');
}

/** Shims for the CommonJS TypeScript among `files`, in a directory of their own. */
export function planTypeScript(
  files: readonly string[],
  format: (file: string) => ModuleFormat = typeScriptFormat,
): TypeScriptPlan {
  let dir: string | undefined;
  let needsHooks = false;
  const imports = files.map((file, index) => {
    if (!/\.[cm]?ts$/.test(file)) return file;
    if (format(file) === 'module') {
      needsHooks = true;
      return file;
    }
    dir ??= mkdtempSync(path.join(tmpdir(), 'nettwin-steps-'));
    const shim = path.join(dir, `${index}-${path.basename(file).replace(/\W/g, '_')}.mjs`);
    writeFileSync(shim, shimText(file));
    return shim;
  });
  return {
    imports,
    needsHooks,
    dispose: () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
