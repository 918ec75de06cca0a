import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMPILED, ENTRY_MODULES, moduleUrl, PACKAGE_ROOT, VOCABULARY_DIR } from './package-paths.ts';

test('from the sources, each entry module is its .ts file in the checkout, and the vocabulary is steps/', () => {
  assert.equal(COMPILED, false);
  assert.equal(VOCABULARY_DIR, path.join(PACKAGE_ROOT, 'steps'));
  for (const module of ENTRY_MODULES) {
    const file = fileURLToPath(moduleUrl(module));
    assert.equal(file, path.join(PACKAGE_ROOT, `${module}.ts`));
    assert.ok(existsSync(file), `${module}.ts exists`);
  }
});
