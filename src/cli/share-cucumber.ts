/**
 * Imported first of the support code, in `nettwin run`'s process and in each parallel
 * worker: a user's step file that imports Given/When/Then from '@cucumber/cucumber'
 * rather than from 'nettwin' gets the cucumber that runs the scenarios.
 *
 * Installed, nettwin runs cucumber from its own bundle (scripts/build.ts), so the
 * '@cucumber/cucumber' a project resolves — the copy installed beside nettwin, or the
 * project's own — is another instance: its step definitions would land in a library
 * nobody reads, and every step of the project would be "undefined". Both `require` and
 * `import` of a CommonJS package go through require's cache (Node 20), so the file that
 * name resolves to is entered there with the running instance's exports. From the
 * sources, the running instance is that very file, already cached: nothing changes.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as cucumber from '@cucumber/cucumber';
import { enterInRequireCache } from './require-cache.ts';

/** The file `@cucumber/cucumber` names for code in `cwd`, or undefined where it resolves to nothing. */
export function projectCucumberFile(cwd: string): string | undefined {
  try {
    return createRequire(path.join(cwd, 'package.json')).resolve('@cucumber/cucumber');
  } catch {
    return undefined;
  }
}

/** Make `@cucumber/cucumber`, as code in `cwd` resolves it, the running instance. */
export function shareCucumberWith(cwd: string, running: unknown = cucumber): void {
  const file = projectCucumberFile(cwd);
  if (file !== undefined) enterInRequireCache(file, running);
}

shareCucumberWith(process.cwd());
