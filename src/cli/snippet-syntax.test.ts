import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfiguration, runCucumber } from '@cucumber/cucumber/api';
import { cucumberConfiguration } from './run.ts';
import NettwinSnippetSyntax from './snippet-syntax.ts';

test('the snippet imports its keyword from nettwin, with cucumber’s expression and parameters', () => {
  const snippet = new NettwinSnippetSyntax('async-await').build({
    comment: 'Write code here',
    functionName: 'When',
    generatedExpressions: [
      { source: "I frobnicate {string} on {int}'s port", parameterNames: ['string', 'int'] },
      { source: 'I frobnicate {string} on {float}', parameterNames: ['string', 'float'] },
    ],
    stepParameterNames: ['dataTable'],
  });
  assert.equal(
    snippet,
    [
      "import { When } from 'nettwin'; // in steps/*.ts: `this` is the scenario's NettwinWorld",
      '',
      "When('I frobnicate {string} on {int}\\'s port', async function (string, int, dataTable) {",
      "// When('I frobnicate {string} on {float}', async function (string, float, dataTable) {",
      '  // Write code here',
      "  return 'pending';",
      '});',
    ].join('\n'),
  );
  assert.doesNotMatch(snippet, /@cucumber\/cucumber/);
  const callback = new NettwinSnippetSyntax('callback').build({
    comment: 'c',
    functionName: 'Given',
    generatedExpressions: [{ source: 'x', parameterNames: [] }],
    stepParameterNames: [],
  });
  assert.match(callback, /^import \{ Given \} from 'nettwin';/);
  assert.match(callback, /function \(callback\) \{\n {2}\/\/ c\n {2}callback\(null, 'pending'\);/);
});

// The configuration `nettwin run` hands cucumber makes its summary print nettwin's snippet.
test('an undefined step in a run gets a snippet importing from nettwin', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'nettwin-snippet-'));
  try {
    await writeFile(path.join(dir, 'a.feature'), 'Feature: a\n  Scenario: b\n    When I frobnicate "web"\n');
    await writeFile(path.join(dir, 'package.json'), '{"type":"module"}');
    await symlink(
      fileURLToPath(new URL('../../node_modules', import.meta.url)),
      path.join(dir, 'node_modules'),
    );
    let out = '';
    const stdout = new Writable({
      write(chunk, _encoding, done) {
        out += String(chunk);
        done();
      },
    });
    const environment = { cwd: dir, stdout, stderr: stdout, env: {} };
    const provided = cucumberConfiguration('model', { imports: [] });
    const { runConfiguration } = await loadConfiguration(
      { file: false, provided: { ...provided, paths: ['a.feature'], format: ['summary'] } },
      environment,
    );
    await runCucumber(runConfiguration, environment);
    assert.match(out, /import \{ When \} from 'nettwin';/);
    assert.match(out, /When\('I frobnicate \{string\}', async function \(string\) \{/);
    assert.doesNotMatch(out, /@cucumber\/cucumber/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
