import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { formatInitResult, INIT_FILES, initProject } from './init.ts';

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
