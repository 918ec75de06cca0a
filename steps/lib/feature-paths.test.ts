import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { ALLOW_ANY_PATH_ENV, FeaturePathError, featurePath, isWithin } from './feature-paths.ts';

/** Reference: walk the segments of `rel` below root; below means never climbing past it. */
function staysBelow(segments: string[]): boolean {
  let depth = 0;
  for (const s of segments) {
    if (s === '..') depth -= 1;
    else if (s !== '.' && s !== '') depth += 1;
    if (depth < 0) return false;
  }
  return true;
}

test('isWithin: a path is below the root exactly when its segments never climb past it', () => {
  const segment = fc.constantFrom('a', 'b', '..', '.', '..a', 'a..', '...', '');
  fc.assert(
    fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
      const root = '/work/project';
      const target = path.resolve(root, `./${segments.join('/')}`);
      // Climbing past the root and coming back in (a/../../project/x) ends below it too.
      const backIn = target === root || target.startsWith(`${root}/`);
      assert.equal(isWithin(target, root), backIn);
      if (staysBelow(segments)) assert.equal(isWithin(target, root), true);
    }),
  );
  assert.equal(isWithin('/work/project-other/x', '/work/project'), false);
  assert.equal(isWithin('/work/project/..x', '/work/project'), true);
  assert.equal(isWithin('/work', '/work/project'), false);
});

let dir = '';
let cwd = '';
let outside = '';

before(async () => {
  dir = await realpath(await mkdtemp(path.join(tmpdir(), 'nettwin-paths-')));
  cwd = path.join(dir, 'project');
  outside = path.join(dir, 'elsewhere');
  await mkdir(path.join(cwd, 'fixtures'), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(cwd, 'fixtures', 'dump.txt'), '*filter\nCOMMIT\n');
  await writeFile(path.join(outside, 'secret.txt'), 'secret\n');
  await writeFile(path.join(outside, 'beside.txt'), '*filter\nCOMMIT\n');
  await symlink(path.join(outside, 'secret.txt'), path.join(cwd, 'fixtures', 'link.txt'));
});

after(() => rm(dir, { recursive: true, force: true }));

test('featurePath reads below the working directory', async () => {
  assert.equal(
    await featurePath('fixtures/dump.txt', 'iptables-save dump', { cwd, env: {} }),
    path.join(cwd, 'fixtures', 'dump.txt'),
  );
});

test('featurePath refuses a path outside, by .. or absolute, and names the way out', async () => {
  for (const file of ['../elsewhere/secret.txt', path.join(outside, 'secret.txt'), '/etc/passwd']) {
    await assert.rejects(featurePath(file, 'snapshot', { cwd, env: {} }), (error: unknown) => {
      assert.ok(error instanceof FeaturePathError);
      assert.match(error.message, new RegExp(`the snapshot "${file.replaceAll('.', '\\.')}"`));
      assert.match(error.message, new RegExp(`${ALLOW_ANY_PATH_ENV}=1`));
      return true;
    });
  }
});

test('featurePath follows symbolic links before it decides', async () => {
  await assert.rejects(
    featurePath('fixtures/link.txt', 'iptables-save dump', { cwd, env: {} }),
    /a link to .*secret\.txt/,
  );
});

test("featurePath allows the feature's own directory", async () => {
  const featureUri = path.join(outside, 'x.feature');
  assert.equal(
    await featurePath(path.join(outside, 'beside.txt'), 'snapshot', { cwd, featureUri, env: {} }),
    path.join(outside, 'beside.txt'),
  );
});

test(`featurePath allows anything with ${ALLOW_ANY_PATH_ENV}=1 (and only with 1)`, async () => {
  const file = path.join(outside, 'secret.txt');
  assert.equal(await featurePath(file, 'snapshot', { cwd, env: { [ALLOW_ANY_PATH_ENV]: '1' } }), file);
  await assert.rejects(featurePath(file, 'snapshot', { cwd, env: { [ALLOW_ANY_PATH_ENV]: 'yes' } }));
});
