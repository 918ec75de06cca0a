import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { facadeSource, packageDirOf, rewriteFrameTest } from './vendor-cucumber.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const cucumberLib = path.dirname(
  createRequire(path.join(ROOT, 'package.json')).resolve('@cucumber/cucumber'),
);

test("rewriteFrameTest: cucumber's frame test, rewritten, counts frames in the vendor directory as cucumber's, paths or file URLs", () => {
  const source = readFileSync(path.join(cucumberLib, 'filter_stack_trace.js'), 'utf8');
  const rewritten = rewriteFrameTest(source);
  assert.notEqual(rewritten, source);
  // Run the rewritten module as the bundle runs it: __dirname is the vendor directory.
  const module = { exports: {} as Record<string, (f: string) => boolean> };
  const vendor = '/pkg/node_modules/nettwin/dist/vendor/';
  const requireHere = createRequire(path.join(cucumberLib, 'filter_stack_trace.js'));
  new Function('exports', 'require', 'module', '__dirname', rewritten)(
    module.exports,
    requireHere,
    module,
    vendor,
  );
  const isInCucumber = module.exports.isFileNameInCucumber as (f: string) => boolean;
  assert.equal(isInCucumber(`file://${vendor}chunk-AB12.js`), true);
  assert.equal(isInCucumber(`${vendor}run_worker.js`), true);
  assert.equal(isInCucumber('file:///pkg/node_modules/nettwin/dist/steps/hosts.js'), false);
  assert.equal(isInCucumber('/project/steps/web.ts'), false);
  assert.throws(() => rewriteFrameTest('function other() {}'), /update scripts\/vendor-cucumber\.ts/);
});

test('facadeSource exports every identifier name and the module as default', () => {
  const text = facadeSource('/x/index.js', ['Given', 'When', 'default', '__esModule', 'not-a-name', '$ok']);
  assert.match(text, /require\("\/x\/index\.js"\)/);
  assert.match(text, /export default bundledModule;/);
  assert.match(text, /export const \{ Given, When, __esModule, \$ok \} = bundledModule;/);
  assert.doesNotMatch(text, /require\.cache/);
});

test('facadeSource with preferLoaded: a cucumber already in require.cache (cucumber-js running) wins over the bundled one', () => {
  const text = facadeSource('/bundled/index.js', ['Given'], true).replace(/^export default .*$/m, '');
  const run = (cache: Record<string, unknown>) => {
    const required: string[] = [];
    const fakeRequire = Object.assign(
      (id: string) => {
        required.push(id);
        return { Given: id };
      },
      { cache },
    );
    const body = `${text.replace('export const { Given } = bundledModule;', 'return bundledModule;')}`;
    const module = new Function('require', body)(fakeRequire) as { Given: string };
    return { given: module.Given, required };
  };
  assert.deepEqual(run({}).required, ['/bundled/index.js']);
  const cli = run({ '/p/node_modules/@cucumber/cucumber/lib/cli/run.js': {} });
  assert.deepEqual(cli.required, ['/p/node_modules/@cucumber/cucumber/lib/index.js']);
  assert.deepEqual(run({ '/p/node_modules/@cucumber/gherkin/dist/index.js': {} }).required, [
    '/bundled/index.js',
  ]);
});

test('packageDirOf: the package directory of a bundled file, scoped or not; nothing outside node_modules', () => {
  const segment = fc.stringMatching(/^[a-z][a-z0-9.-]{0,10}$/);
  fc.assert(
    fc.property(
      fc.option(segment, { nil: undefined }),
      segment,
      fc.array(segment, { minLength: 1, maxLength: 3 }),
      (scope, name, rest) => {
        const pkg = `node_modules/${scope ? `@${scope}/` : ''}${name}`;
        assert.equal(packageDirOf(`../../${pkg}/${rest.join('/')}.js`), `../../${pkg}`);
        assert.equal(packageDirOf(`src/${rest.join('/')}.ts`), undefined);
      },
    ),
  );
  // A package inside another package's node_modules is its own.
  assert.equal(packageDirOf('node_modules/a/node_modules/@s/b/lib/x.js'), 'node_modules/a/node_modules/@s/b');
});
