/**
 * cucumber for the compiled package: @cucumber/cucumber and what it requires, bundled by
 * esbuild into dist/vendor/ (scripts/build.ts), with their licences beside them.
 *
 * Why: cucumber is some 400 CommonJS files; a run loads most of them, file by file, and
 * that was most of the time `cucumber-js` itself needs for a trivial feature. Bundled,
 * they load as a few files.
 *
 * What a bundle changes, and how each is kept as cucumber had it:
 * - Entries: `cucumber.js` ('@cucumber/cucumber'), `api.js` ('@cucumber/cucumber/api')
 *   and `run_worker.js` (what `--parallel` forks) share their chunks, so a worker and the
 *   support code it imports meet one cucumber. The two facades export each name the
 *   package exports (listed from the package at build time) and the whole object as default;
 *   the cucumber facade yields to a cucumber already loaded (cucumber-js itself running
 *   nettwin's vocabulary).
 * - `require`, `__dirname`, `__filename`: the CommonJS code runs as an ES module, so the
 *   bundle defines them per file (every output is in dist/vendor/): cucumber forks
 *   `run_worker.js` beside itself, and resolves formatters from there.
 * - Stack frames: cucumber takes a step definition's location from the first frame outside
 *   its own files, and cuts its frames from a failure's stack. Its test is "under
 *   cucumber's package directory", as paths; here its frames are in dist/vendor/, as
 *   file URLs. That one function is rewritten to say so (the build fails if its text
 *   changes).
 * - regexp-match-indices: replaced by src/vendor/match-indices.ts (why: that file).
 * - luxon gets an entry of its own (`luxon.js`): the locale the run sets
 *   (src/cli/cucumber-locale.ts) must be that of cucumber's luxon, the one its summary
 *   formats durations with.
 * - @cucumber/html-formatter stays outside: it reads its page template and assets from
 *   its own directory, and nettwin's report reads those files too (src/report/html-page.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';

/**
 * The vendored modules: the package each stands for, its facade's file in dist/vendor/
 * (`<facade>.js`), and the name nettwin's bundle imports it by (package.json "exports",
 * a self-reference).
 */
const VENDORED = [
  { package: '@cucumber/cucumber', facade: 'cucumber', specifier: 'nettwin/vendor/cucumber' },
  { package: '@cucumber/cucumber/api', facade: 'api', specifier: 'nettwin/vendor/cucumber-api' },
  { package: 'luxon', facade: 'luxon', specifier: 'nettwin/vendor/luxon' },
] as const;

/** How nettwin's bundle names each vendored package. */
export const VENDOR_SPECIFIERS: ReadonlyMap<string, string> = new Map(
  VENDORED.map((v) => [v.package, v.specifier]),
);

/** Packages the bundle leaves to node_modules. */
const OUTSIDE = ['@cucumber/html-formatter'];

const BANNER = [
  "import { createRequire as __nettwinCreateRequire } from 'node:module';",
  "import { fileURLToPath as __nettwinFileURLToPath } from 'node:url';",
  'const require = __nettwinCreateRequire(import.meta.url);',
  'const __filename = __nettwinFileURLToPath(import.meta.url);',
  "const __dirname = __nettwinFileURLToPath(new URL('.', import.meta.url));",
].join(' ');

/** cucumber's test for "a frame in cucumber's own files", before and after. */
const IS_IN_CUCUMBER = /function isFileNameInCucumber\(fileName\) \{[^}]*\}/;
const IS_IN_VENDOR = [
  "const vendorUrl = require('node:url').pathToFileURL(__dirname).href;",
  'function isFileNameInCucumber(fileName) {',
  '    return fileName.startsWith(vendorUrl) || fileName.startsWith(__dirname);',
  '}',
].join('\n');

/** The rewrite of cucumber's frame test (exported for its test). */
export function rewriteFrameTest(source: string): string {
  if (!IS_IN_CUCUMBER.test(source)) {
    throw new Error(
      "@cucumber/cucumber's lib/filter_stack_trace.js no longer defines isFileNameInCucumber as expected: update scripts/vendor-cucumber.ts",
    );
  }
  return source.replace(IS_IN_CUCUMBER, IS_IN_VENDOR);
}

/**
 * An ES module exporting each of `names` from the CommonJS module `file`, and the module
 * as default (as Node's own import of a CommonJS module gives it). With `preferLoaded`, a
 * cucumber already loaded (from node_modules) wins over the bundled one: when cucumber-js
 * itself runs nettwin's vocabulary (README: "If you run cucumber-js yourself"), the steps
 * must register with that runner.
 */
export function facadeSource(file: string, names: readonly string[], preferLoaded = false): string {
  const valid = names.filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
  const bundled = `require(${JSON.stringify(file)})`;
  return [
    preferLoaded
      ? [
          // cucumber-js's command line loads lib/cli/…, not lib/index.js: any file of a loaded
          // cucumber names its package, and its lib/index.js shares that instance's modules.
          'const loaded = Object.keys(require.cache).map((key) => /^(.*[\\\\/]@cucumber[\\\\/]cucumber[\\\\/])lib[\\\\/]/.exec(key)).find(Boolean);',
          `const bundledModule = loaded ? require(\`\${loaded[1]}lib/index.js\`) : ${bundled};`,
        ].join('\n')
      : `const bundledModule = ${bundled};`,
    'export default bundledModule;',
    `export const { ${valid.join(', ')} } = bundledModule;`,
    '',
  ].join('\n');
}

function vendorPlugin(root: string, files: Record<string, string>): Plugin {
  const matchIndices = path.join(root, 'src', 'vendor', 'match-indices.ts');
  const requireHere = createRequire(path.join(root, 'package.json'));
  return {
    name: 'nettwin-vendor',
    setup(b) {
      b.onResolve({ filter: /^facade:/ }, (args) => ({
        path: args.path.slice('facade:'.length),
        namespace: 'facade',
      }));
      b.onLoad({ filter: /.*/, namespace: 'facade' }, (args) => {
        const file = files[args.path] as string;
        const names = Object.keys(requireHere(file) as object);
        return {
          contents: facadeSource(file, names, args.path === 'cucumber'),
          loader: 'js',
          resolveDir: path.dirname(file),
        };
      });
      b.onResolve({ filter: /^regexp-match-indices$/ }, () => ({ path: matchIndices }));
      b.onLoad({ filter: /[\\/]@cucumber[\\/]cucumber[\\/]lib[\\/]filter_stack_trace\.js$/ }, (args) => ({
        contents: rewriteFrameTest(readFileSync(args.path, 'utf8')),
        loader: 'js',
      }));
    },
  };
}

/** The directory of the package an input file of the bundle belongs to. */
export function packageDirOf(input: string): string | undefined {
  const match = /^(.*node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(input);
  return match?.[1];
}

/** Each bundled package's name, version and licence text, for dist/vendor/LICENSES.md. */
export function licences(root: string, metafiles: readonly Metafile[]): string {
  const dirs = new Set<string>();
  for (const input of metafiles.flatMap((m) => Object.keys(m.inputs))) {
    const dir = packageDirOf(input);
    if (dir) dirs.add(path.resolve(root, dir));
  }
  const sections = [...dirs].sort().map((dir) => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      license?: string;
    };
    const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENCE', 'LICENSE-MIT']
      .map((f) => path.join(dir, f))
      .find((f) => existsSync(f));
    const text = file
      ? readFileSync(file, 'utf8').trim()
      : `(no licence file; package.json says ${manifest.license ?? 'nothing'})`;
    return `## ${manifest.name} ${manifest.version}\n\n${text}\n`;
  });
  return [
    '# Bundled packages',
    '',
    "The compiled package bundles these packages (scripts/build.ts, scripts/vendor-cucumber.ts): cucumber's and the JUnit report's, into dist/vendor/. Their licences:",
    '',
    ...sections,
  ].join('\n');
}

/** Bundles cucumber into `outDir`; the build's metafile, for the licences. */
export async function bundleCucumber(root: string, outDir: string): Promise<Metafile> {
  const requireHere = createRequire(path.join(root, 'package.json'));
  // require's resolution: luxon's `import` build would be a second copy beside the one cucumber requires.
  const files: Record<string, string> = Object.fromEntries(
    VENDORED.map((v) => [v.facade, requireHere.resolve(v.package)]),
  );
  const runWorker = path.join(path.dirname(files.cucumber as string), 'runtime', 'parallel', 'run_worker.js');
  const facades = Object.fromEntries(VENDORED.map((v) => [v.facade, `facade:${v.facade}`]));
  const result = await build({
    absWorkingDir: root,
    entryPoints: { ...facades, run_worker: runWorker },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: OUTSIDE,
    banner: { js: BANNER },
    plugins: [vendorPlugin(root, files)],
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}
