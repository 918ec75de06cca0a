/**
 * Answers `require(file)` (and Node 20's `import` of a CommonJS file, which reads the same
 * cache) with an object already loaded, so that no second copy of a module is made: the
 * API users import from 'nettwin' (support-code.ts), cucumber as a project resolves it
 * (share-cucumber.ts). An entry already there is kept.
 */
import { createRequire, Module } from 'node:module';
import path from 'node:path';

export function enterInRequireCache(file: string, exports: unknown): void {
  const cache = createRequire(file).cache;
  if (cache[file]) return;
  const entry = new Module(file);
  entry.filename = file;
  entry.loaded = true;
  entry.exports = exports;
  // What the file's own requires would search, as if Node had loaded it.
  entry.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    path.dirname(file),
  );
  cache[file] = entry;
}
