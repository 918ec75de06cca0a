import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DOCKER_DIR, hashDirectories, RECIPES, recipeTag } from './recipes.ts';

test('every recipe has a build.sh and a tag nettwin/<name>:<12 hex>', () => {
  for (const r of RECIPES)
    assert.match(recipeTag(r.name), new RegExp(`^nettwin/${r.name.replace('.', '\\.')}:[0-9a-f]{12}$`));
});

test('a changed file changes the hash; an unchanged copy keeps it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nettwin-recipe-'));
  try {
    cpSync(join(DOCKER_DIR, 'workload'), join(dir, 'workload'), { recursive: true });
    const before = hashDirectories([join(dir, 'workload')]);
    assert.equal(hashDirectories([join(dir, 'workload')]), before);
    writeFileSync(join(dir, 'workload', 'build.sh'), '# changed\n', { flag: 'a' });
    assert.notEqual(hashDirectories([join(dir, 'workload')]), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
