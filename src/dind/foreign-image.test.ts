import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadDindConfig } from './config.ts';
import {
  COMMON_SCRIPTS,
  commonScriptFiles,
  DindImageError,
  type ForeignImage,
  hostImage,
  isRecipeImage,
} from './foreign-image.ts';
import { recipeTag } from './images/recipes.ts';

/** A probe that answers from a table instead of running the image. */
function fakeProbe(engines: Record<string, string>) {
  return async (image: string, variable: string): Promise<ForeignImage> => {
    const engine = engines[image];
    if (!engine) throw new DindImageError(variable, image, `${variable}=${image}: no such image`);
    const profile = engine.split('.').slice(0, 2).join('.');
    return { image, variable, engine, profile, report: { present: [], missing: [], dockerdVersion: '' } };
  };
}

test('NETTWIN_DIND_IMAGE serves the version its daemon runs; other versions keep their own images', async () => {
  const config = loadDindConfig({}, { NETTWIN_DIND_IMAGE: 'docker:29-dind' });
  const probe = fakeProbe({ 'docker:29-dind': '29.7.2' });
  const on29 = await hostImage(config, '29.7', undefined, probe);
  assert.equal(on29.image, 'docker:29-dind');
  assert.equal(on29.foreign?.engine, '29.7.2');
  const on28 = await hostImage(config, '28.5', undefined, probe);
  assert.deepEqual(on28, { image: recipeTag('dind-28.5') });
});

test('NETTWIN_DIND_IMAGE no longer replaces every version, and each version keeps its variable', () => {
  const config = loadDindConfig(
    {},
    { NETTWIN_DIND_IMAGE: 'docker:29-dind', NETTWIN_DIND_IMAGE_20_10: 'docker:20.10-dind' },
  );
  assert.equal(config.foreignImage, 'docker:29-dind');
  assert.equal(config.dindImages['28.5'], recipeTag('dind-28.5'));
  assert.equal(config.dindImages['20.10'], 'docker:20.10-dind');
});

test('a version nobody serves, or a per-version image of another version: the variable and what to do', async () => {
  const probe = fakeProbe({ 'docker:28-dind': '28.5.2', 'docker:26-dind': '26.1.5' });
  await assert.rejects(
    hostImage(loadDindConfig({}, {}), '29.7', undefined, probe),
    /Set NETTWIN_DIND_IMAGE to a DinD image of Docker 29\.7 \(e\.g\. docker:29-dind\)/,
  );
  await assert.rejects(
    hostImage(loadDindConfig({}, { NETTWIN_DIND_IMAGE: 'docker:26-dind' }), '29.7', undefined, probe),
    /NETTWIN_DIND_IMAGE=docker:26-dind runs another version/,
  );
  await assert.rejects(
    hostImage(loadDindConfig({}, { NETTWIN_DIND_IMAGE_28_5: 'docker:26-dind' }), '28.5', undefined, probe),
    /^DindImageError: NETTWIN_DIND_IMAGE_28_5=docker:26-dind runs Docker 26\.1\.5, not 28\.5/,
  );
  const ok = await hostImage(
    loadDindConfig({}, { NETTWIN_DIND_IMAGE_28_5: 'docker:28-dind' }),
    '28.5',
    undefined,
    probe,
  );
  assert.equal(ok.foreign?.variable, 'NETTWIN_DIND_IMAGE_28_5');
});

test('a bad reference in NETTWIN_DIND_IMAGE is refused where it is read, naming the variable', () => {
  assert.throws(
    () => loadDindConfig({}, { NETTWIN_DIND_IMAGE: 'docker 29-dind' }),
    /NETTWIN_DIND_IMAGE: expected a Docker image reference/,
  );
  assert.throws(
    () => loadDindConfig({}, { NETTWIN_DIND_IMAGE_26_1: 'Docker:26' }),
    /NETTWIN_DIND_IMAGE_26_1: expected a Docker image reference/,
  );
});

test("nettwin's own images carry the scripts; every other image gets docker/common's, at the recipes' paths", () => {
  assert.equal(isRecipeImage(recipeTag('dind-28.5')), true);
  assert.equal(isRecipeImage('docker:29-dind'), false);
  assert.equal(isRecipeImage('nettwin-fixture/dind-debian:x'), false);
  const files = commonScriptFiles();
  assert.deepEqual(
    files.map((f) => f.target),
    Object.values(COMMON_SCRIPTS),
  );
  // The entrypoint calls the others by these paths: the copies must land where it looks.
  const entrypoint = readFileSync(files[0]?.source ?? '', 'utf8');
  assert.ok(files[0]?.source.endsWith('dind-entrypoint.sh'));
  for (const target of Object.values(COMMON_SCRIPTS).slice(1)) assert.ok(entrypoint.includes(target), target);
});

test('a model-only version gets a real engine where its variable names an image of it', async () => {
  const config = loadDindConfig({}, { NETTWIN_DIND_IMAGE_29_7: 'docker:29-dind' });
  assert.equal(config.dindImages['29.7'], 'docker:29-dind');
  const chosen = await hostImage(config, '29.7', undefined, fakeProbe({ 'docker:29-dind': '29.7.2' }));
  assert.equal(chosen.foreign?.variable, 'NETTWIN_DIND_IMAGE_29_7');
  assert.equal(loadDindConfig({}, {}).dindImages['29.7'], undefined);
});
