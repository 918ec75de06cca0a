import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { cacheKey, requireTypeScript, tsconfigMapsPaths, typeScriptTwin } from './typescript-require.ts';

test('typeScriptTwin: a relative .js/.mjs/.cjs request from TypeScript names its .ts/.mts/.cts source, nothing else', () => {
  const name = fc.stringMatching(/^(?:\.\.?\/)(?:[a-z-]{1,8}\/){0,2}[a-z-]{1,8}$/);
  fc.assert(
    fc.property(
      name,
      fc.constantFrom('js', 'mjs', 'cjs'),
      fc.constantFrom('ts', 'mts', 'cts'),
      (request, ext, parentExt) => {
        assert.equal(
          typeScriptTwin(`${request}.${ext}`, `/p/steps/a.${parentExt}`),
          `${request}.${ext.replace(/js$/, 'ts')}`,
        );
        // Not from JavaScript, not a package, not another extension, not without a parent.
        assert.equal(typeScriptTwin(`${request}.${ext}`, '/p/steps/a.js'), undefined);
        assert.equal(typeScriptTwin(`${request}.${ext}`, undefined), undefined);
        assert.equal(
          typeScriptTwin(`${request.replace(/^\.\.?\//, '')}.${ext}`, `/p/a.${parentExt}`),
          undefined,
        );
        assert.equal(typeScriptTwin(`${request}.json`, `/p/a.${parentExt}`), undefined);
      },
    ),
  );
});

test('cacheKey: one key per compiler, path and text; any change of one names another file', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (file, source, version, other) => {
      const key = cacheKey(file, source, version);
      assert.match(key, /^[0-9a-f]{64}$/);
      assert.equal(cacheKey(file, source, version), key);
      if (other !== source) assert.notEqual(cacheKey(file, other, version), key);
      if (other !== file) assert.notEqual(cacheKey(other, source, version), key);
      if (other !== version) assert.notEqual(cacheKey(file, source, other), key);
    }),
  );
});

test('tsconfigMapsPaths: only a tsconfig.json with "paths" sends a project to tsx', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nettwin-tsconfig-'));
  try {
    assert.equal(tsconfigMapsPaths(dir), false);
    writeFileSync(path.join(dir, 'tsconfig.json'), '{ "compilerOptions": { "strict": true } }');
    assert.equal(tsconfigMapsPaths(dir), false);
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      '{\n  // aliases\n  "compilerOptions": { "paths" : { "@/*": ["src/*"] } }\n}',
    );
    assert.equal(tsconfigMapsPaths(dir), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('requireTypeScript compiles a step file and what it requires, keeps the JavaScript, and reads it back next time', async () => {
  const project = mkdtempSync(path.join(tmpdir(), 'nettwin-tsreq-'));
  const cwd = process.cwd();
  const seen = globalThis as { nettwinTsRequire?: string[] };
  try {
    mkdirSync(path.join(project, 'node_modules'));
    mkdirSync(path.join(project, 'steps', 'lib'), { recursive: true });
    writeFileSync(
      path.join(project, 'steps', 'lib', 'helper.ts'),
      "export const label = (n: number): string => 'helper ' + n;\n",
    );
    const step = path.join(project, 'steps', 'step.ts');
    writeFileSync(
      step,
      [
        "import { label } from './lib/helper.js';",
        'interface Seen {',
        '  list: string[];',
        '}',
        'const g = globalThis as unknown as { nettwinTsRequire?: Seen["list"] };',
        '(g.nettwinTsRequire ??= []).push(label(1));',
        'export function fails(): never {',
        "  throw new Error('from the step');",
        '}',
        '',
      ].join('\n'),
    );
    process.chdir(project);
    await requireTypeScript(step);
    assert.deepEqual(seen.nettwinTsRequire, ['helper 1']);
    const cacheDir = path.join(project, 'node_modules', '.cache', 'nettwin', 'typescript');
    const cached = readdirSync(cacheDir);
    assert.equal(cached.length, 2, 'the step and its helper, compiled once each');

    // A failure's stack names the TypeScript line (8), not the compiled JavaScript's.
    const required = createRequire(step)(step) as { fails: () => never };
    assert.throws(
      () => required.fails(),
      (error: Error) => /step\.ts:8:/.test(error.stack ?? ''),
    );

    // The next load reads the kept JavaScript: doctor it and see the doctored effect.
    for (const file of cached) {
      const text = readFileSync(path.join(cacheDir, file), 'utf8');
      writeFileSync(path.join(cacheDir, file), text.replace('push(', 'push("from the cache", '));
    }
    const require = createRequire(step);
    delete require.cache[step];
    await requireTypeScript(step);
    assert.deepEqual(seen.nettwinTsRequire, ['helper 1', 'from the cache', 'helper 1']);
  } finally {
    process.chdir(cwd);
    delete seen.nettwinTsRequire;
    rmSync(project, { recursive: true, force: true });
  }
});

test('requireTypeScript still loads a step when the cache cannot be written', async () => {
  const project = mkdtempSync(path.join(tmpdir(), 'nettwin-tsreq-ro-'));
  const cwd = process.cwd();
  const seen = globalThis as { nettwinTsReadOnly?: number };
  try {
    // node_modules/.cache is a file: no directory can be made under it.
    mkdirSync(path.join(project, 'node_modules'));
    writeFileSync(path.join(project, 'node_modules', '.cache'), 'not a directory');
    const step = path.join(project, 'step.cts');
    writeFileSync(
      step,
      'const n: number = 7;\n(globalThis as unknown as { nettwinTsReadOnly?: number }).nettwinTsReadOnly = n;\n',
    );
    process.chdir(project);
    await requireTypeScript(step);
    assert.equal(seen.nettwinTsReadOnly, 7);
  } finally {
    process.chdir(cwd);
    delete seen.nettwinTsReadOnly;
    rmSync(project, { recursive: true, force: true });
  }
});
