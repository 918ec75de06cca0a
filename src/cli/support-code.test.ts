import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PACKAGE_ROOT, VOCABULARY_DIR } from '../package-paths.ts';
import { findSupportCode } from './support-code.ts';

function project(files: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'nettwin-support-'));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), '');
  }
  return dir;
}

test("a user's steps/ and features/ code is loaded after the vocabulary; tests and declarations are not", () => {
  const dir = project([
    'steps/web.ts',
    'steps/lib/helpers.js',
    'steps/web.test.ts',
    'steps/types.d.ts',
    'features/support/hooks.mjs',
    'features/a.feature',
    'steps/node_modules/x/index.js',
    'src/elsewhere.ts',
  ]);
  try {
    const code = findSupportCode(dir);
    assert.deepEqual(
      code.user.map((f) => path.relative(dir, f)),
      ['steps/lib/helpers.js', 'steps/web.ts', 'features/support/hooks.mjs'],
    );
    assert.ok(code.vocabulary.length > 5);
    // The step files only: steps/lib/ is what they import, not support code of its own.
    assert.ok(code.vocabulary.every((f) => path.dirname(f) === VOCABULARY_DIR && !/\.test\./.test(f)));
    assert.ok(code.vocabulary.some((f) => /world\.[jt]s$/.test(f)));
    assert.equal(code.needsTypeScript, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("in nettwin's own checkout the working directory's steps/ is the vocabulary: nothing twice", () => {
  const code = findSupportCode(PACKAGE_ROOT);
  assert.deepEqual(code.user, []);
  assert.ok(code.vocabulary.length > 5);
});
