import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  copyExamples,
  EXAMPLES_DIR,
  formatInitResult,
  INIT_FILES,
  initProject,
  namedFixtures,
} from './init.ts';

test('init writes the starter files and never overwrites one that exists', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nettwin-init-'));
  try {
    mkdirSync(path.join(dir, 'steps'));
    writeFileSync(path.join(dir, 'steps/network-contract.ts'), '// mine\n');
    const first = initProject(dir);
    assert.deepEqual(first.skipped, ['steps/network-contract.ts']);
    assert.equal(first.written.length, Object.keys(INIT_FILES).length - 1);
    assert.equal(readFileSync(path.join(dir, 'steps/network-contract.ts'), 'utf8'), '// mine\n');
    assert.match(
      readFileSync(path.join(dir, 'features/network-contract.feature'), 'utf8'),
      /a bridge network "n1"$/m,
    );
    const again = initProject(dir);
    assert.deepEqual(again.written, []);
    assert.match(
      formatInitResult(again),
      /skipped features\/network-contract\.feature \(exists; not overwritten\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the starter step imports Then from 'nettwin', and the CI files name a privileged runner", () => {
  assert.match(
    INIT_FILES['steps/network-contract.ts'] ?? '',
    /import \{ serializeRuleset, Then \} from 'nettwin';/,
  );
  assert.match(INIT_FILES['.github/workflows/nettwin.yml'] ?? '', /npx nettwin run --backend twin/);
  assert.match(INIT_FILES['.gitlab/nettwin.gitlab-ci.yml'] ?? '', /privileged/);
});

test('init --examples copies every packaged feature and the fixtures it reads, never overwriting', () => {
  const pkg = mkdtempSync(path.join(tmpdir(), 'nettwin-pkg-'));
  const dir = mkdtempSync(path.join(tmpdir(), 'nettwin-examples-'));
  try {
    mkdirSync(path.join(pkg, 'features', 'bugs'), { recursive: true });
    mkdirSync(path.join(pkg, 'fixtures', 'seeds'), { recursive: true });
    writeFileSync(path.join(pkg, 'features', 'a.feature'), 'Feature: a\n');
    writeFileSync(
      path.join(pkg, 'features', 'bugs', 'b.feature'),
      'Feature: b\n  Scenario: c\n    Given a host restored from the iptables-save in "fixtures/seeds/x.save" with interfaces:\n',
    );
    writeFileSync(path.join(pkg, 'fixtures', 'seeds', 'x.save'), '*filter\nCOMMIT\n');
    mkdirSync(path.join(dir, EXAMPLES_DIR), { recursive: true });
    writeFileSync(path.join(dir, EXAMPLES_DIR, 'a.feature'), 'mine\n');
    const result = copyExamples(dir, pkg);
    assert.deepEqual(result.written, [`${EXAMPLES_DIR}/bugs/b.feature`, 'fixtures/seeds/x.save']);
    assert.deepEqual(result.skipped, [`${EXAMPLES_DIR}/a.feature`]);
    assert.equal(readFileSync(path.join(dir, EXAMPLES_DIR, 'a.feature'), 'utf8'), 'mine\n');
    assert.equal(readFileSync(path.join(dir, 'fixtures/seeds/x.save'), 'utf8'), '*filter\nCOMMIT\n');
    assert.match(formatInitResult(result), /Next: npx nettwin run features\/examples/);
    assert.deepEqual(copyExamples(dir, pkg).written, []);
  } finally {
    rmSync(pkg, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

test("nettwin's own features name only fixtures the package ships", () => {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { files: string[] };
  const features = readdirSync(path.join(root, 'features'), { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.feature'),
  );
  assert.ok(manifest.files.includes('features/'), 'the package ships features/');
  for (const f of features) {
    for (const fixture of namedFixtures(readFileSync(path.join(root, 'features', f), 'utf8'))) {
      assert.ok(existsSync(path.join(root, fixture)), `${f} reads ${fixture}, which exists`);
      assert.ok(
        manifest.files.some(
          (entry) => fixture === entry || (entry.endsWith('/') && fixture.startsWith(entry)),
        ),
        `${f} reads ${fixture}: package.json "files" must ship it`,
      );
    }
  }
});
