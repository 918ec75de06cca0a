/**
 * `npm run build` (and prepack): the package's dist/, in three parts.
 *
 * - Declarations, from tsc (tsconfig.build.json), for the API users type their steps with.
 * - nettwin itself, bundled by esbuild from the TypeScript sources: the entry modules
 *   (package-paths.ts ENTRY_MODULES) keep their paths under dist/, the vocabulary's step
 *   files become one module (dist/steps/vocabulary.js, which cucumber imports), the rest
 *   is in shared chunks under dist/chunks/. Node 20 loads ES modules one by one through
 *   an asynchronous loader; the ~250 files a model run needed cost it more than the run.
 * - cucumber and its dependencies, bundled into dist/vendor/ (vendor-cucumber.ts says
 *   how and why), which nettwin's bundle imports in place of '@cucumber/cucumber'.
 *
 * `tsx scripts/build.ts [--out DIR] [--no-check]`: DIR is dist/ by default; --no-check
 * leaves type errors to `npm run typecheck` (the package tests build this way).
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { build, type Metafile, type Plugin } from 'esbuild';
import { execa } from 'execa';
import { ENTRY_MODULES } from '../src/package-paths.ts';
import { bundleCucumber, licences, VENDOR_SPECIFIERS } from './vendor-cucumber.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Support code cucumber must never import (support-code.ts NOT_SUPPORT, as files). */
const NOT_VOCABULARY = /\.d\.ts$|\.(?:test|spec|docker-test|pack-test|test-helper)\.ts$/;

/** The step files of steps/ (the vocabulary, as `nettwin run` lists it; steps/lib/ is bundled into them). */
export function vocabularyEntries(root = ROOT): string[] {
  return readdirSync(path.join(root, 'steps'), { encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !NOT_VOCABULARY.test(f))
    .map((f) => path.join('steps', f))
    .sort();
}

/**
 * nettwin's imports of cucumber and of luxon go to the bundled copies, by the package's
 * own name (package.json exports).
 */
const VENDORED = new RegExp(
  `^(?:${[...VENDOR_SPECIFIERS.keys()].map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})$`,
);
const fromVendor: Plugin = {
  name: 'from-vendor',
  setup(b) {
    b.onResolve({ filter: VENDORED }, (args) => ({
      path: VENDOR_SPECIFIERS.get(args.path) as string,
      external: true,
    }));
  },
};

/** The name of the one module the vocabulary compiles to (dist/steps/vocabulary.js). */
const VOCABULARY_ENTRY = 'steps/vocabulary';

/**
 * The vocabulary as one module importing every step file in the order cucumber would
 * (sorted): one file to load instead of a file per topic plus the chunks they share.
 * A step definition's location is then a line of dist/steps/vocabulary.js.
 */
function vocabularyModule(files: readonly string[]): Plugin {
  return {
    name: 'vocabulary-module',
    setup(b) {
      b.onResolve({ filter: /^vocabulary:$/ }, () => ({ path: 'vocabulary', namespace: 'vocabulary' }));
      b.onLoad({ filter: /.*/, namespace: 'vocabulary' }, () => ({
        contents: files.map((f) => `import ${JSON.stringify(`./${path.relative('steps', f)}`)};`).join('\n'),
        loader: 'ts',
        resolveDir: path.join(ROOT, 'steps'),
      }));
    },
  };
}

/** Every other package stays in node_modules (or dist/vendor/, above). */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.kind === 'entry-point' ? undefined : { path: args.path, external: true },
    );
  },
};

async function bundleNettwin(outDir: string): Promise<Metafile> {
  const entryPoints = [
    ...ENTRY_MODULES.map((m) => ({ in: `${m}.ts`, out: m })),
    { in: 'vocabulary:', out: VOCABULARY_ENTRY },
  ];
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints,
    outdir: outDir,
    outbase: '.',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [fromVendor, externalPackages, vocabularyModule(vocabularyEntries())],
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}

export async function buildPackage(outDir: string, options: { check?: boolean } = {}): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  await execa(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      outDir,
      ...(options.check === false ? ['--noCheck'] : []),
    ],
    { cwd: ROOT },
  );
  const own = await bundleNettwin(outDir);
  const vendor = await bundleCucumber(ROOT, path.join(outDir, 'vendor'));
  writeFileSync(path.join(outDir, 'vendor', 'LICENSES.md'), licences(ROOT, [own, vendor]));
}

async function main(): Promise<void> {
  const program = new Command('build')
    .option('--out <dir>', 'where the package is built', 'dist')
    .option('--no-check', 'skip type checking (declarations only)')
    .parse();
  const opts = program.opts<{ out: string; check: boolean }>();
  await buildPackage(path.resolve(ROOT, opts.out), { check: opts.check });
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main();
