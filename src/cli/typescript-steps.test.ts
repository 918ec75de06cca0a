import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import {
  packageTypeAbove,
  planTypeScript,
  REQUIRE_MODULE,
  shimText,
  typeScriptFormat,
} from './typescript-steps.ts';

test('typeScriptFormat: .cts CommonJS, .mts ES module, .ts as the nearest package.json says', () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
      fc.constantFrom('.ts', '.cts', '.mts'),
      fc.constantFrom(undefined, 'module', 'commonjs'),
      (name, ext, type) => {
        const format = typeScriptFormat(`/p/steps/${name}${ext}`, () => type);
        const expected =
          ext === '.cts' ? 'commonjs' : ext === '.mts' || type === 'module' ? 'module' : 'commonjs';
        return format === expected;
      },
    ),
  );
});

test('packageTypeAbove reads the nearest package.json only', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nettwin-pkgtype-'));
  try {
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
    mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
    assert.equal(packageTypeAbove(path.join(dir, 'a', 'b')), 'module');
    writeFileSync(path.join(dir, 'a', 'package.json'), '{"name":"inner"}');
    assert.equal(packageTypeAbove(path.join(dir, 'a', 'b')), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('planTypeScript shims CommonJS TypeScript in place, keeps the order, and asks for hooks only for ES modules', () => {
  const formats: Record<string, 'commonjs' | 'module'> = { '/p/b.ts': 'commonjs', '/p/c.mts': 'module' };
  const cjsOnly = planTypeScript(['/p/a.js', '/p/b.ts'], (f) => formats[f] ?? 'commonjs');
  try {
    assert.equal(cjsOnly.needsHooks, false);
    assert.equal(cjsOnly.imports[0], '/p/a.js');
    const shim = cjsOnly.imports[1] ?? '';
    assert.match(shim, /\.mjs$/);
    assert.equal(readFileSync(shim, 'utf8'), shimText('/p/b.ts'));
  } finally {
    cjsOnly.dispose();
  }
  assert.ok(!existsSync(cjsOnly.imports[1] ?? ''), 'dispose removes the shims');
  const mixed = planTypeScript(['/p/c.mts', '/p/b.ts'], (f) => formats[f] ?? 'commonjs');
  mixed.dispose();
  assert.equal(mixed.needsHooks, true);
  assert.equal(mixed.imports[0], '/p/c.mts');
  assert.equal(planTypeScript(['/p/a.js']).needsHooks, false);
});

test('a shim, imported, requires its CommonJS TypeScript file once', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nettwin-shim-'));
  try {
    const file = path.join(dir, 'step.cts');
    writeFileSync(
      file,
      'const n: number = 41;\n(globalThis as any).nettwinShimTest = ((globalThis as any).nettwinShimTest ?? n) + 1;\n',
    );
    assert.match(
      shimText(file),
      new RegExp(`from ${JSON.stringify(REQUIRE_MODULE.href).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
    );
    const plan = planTypeScript([file]);
    try {
      await import(pathToFileURL(plan.imports[0] ?? '').href);
    } finally {
      plan.dispose();
    }
    assert.equal((globalThis as { nettwinShimTest?: number }).nettwinShimTest, 42);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
