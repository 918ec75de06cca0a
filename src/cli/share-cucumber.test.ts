import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { projectCucumberFile, shareCucumberWith } from './share-cucumber.ts';

test("a project's own copy of @cucumber/cucumber answers with the running cucumber, by require and by import", async () => {
  const project = mkdtempSync(path.join(tmpdir(), 'nettwin-share-'));
  try {
    const copy = path.join(project, 'node_modules', '@cucumber', 'cucumber');
    mkdirSync(path.join(copy, 'lib'), { recursive: true });
    writeFileSync(
      path.join(copy, 'package.json'),
      JSON.stringify({ name: '@cucumber/cucumber', main: './lib/index.js' }),
    );
    // The copy, loaded, would say so: the test fails if it is ever loaded.
    writeFileSync(path.join(copy, 'lib', 'index.js'), "exports.Given = 'the project copy';\n");
    assert.equal(projectCucumberFile(project), path.join(copy, 'lib', 'index.js'));
    const running = { Given: 'the running cucumber' };
    shareCucumberWith(project, running);
    const requireInProject = createRequire(path.join(project, 'steps', 'web.js'));
    assert.equal((requireInProject('@cucumber/cucumber') as typeof running).Given, 'the running cucumber');
    const step = path.join(project, 'step.mjs');
    writeFileSync(step, "import { Given } from '@cucumber/cucumber';\nexport const seen = Given;\n");
    assert.equal(((await import(pathToFileURL(step).href)) as { seen: string }).seen, 'the running cucumber');
    // Nothing to share where the name resolves to nothing.
    assert.equal(projectCucumberFile(path.parse(project).root), undefined);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});
