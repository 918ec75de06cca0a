/**
 * A user's project whose own BeforeAll hook throws before any scenario runs (or AfterAll
 * hook, after it): one feature, one hook importing cucumber from the project's node_modules
 * (a link to this checkout's). run.test.ts checks the reports such a run leaves; the browser test opens its page.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Writes the project into `dir` (created), its `kind` hook throwing `Error(message)`. */
export function writeFailingHookProject(
  dir: string,
  message: string,
  kind: 'BeforeAll' | 'AfterAll' = 'BeforeAll',
): void {
  mkdirSync(path.join(dir, 'features'), { recursive: true });
  mkdirSync(path.join(dir, 'steps'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  writeFileSync(
    path.join(dir, 'features', 'a.feature'),
    'Feature: a\n  Scenario: s\n    Given a Docker host\n',
  );
  writeFileSync(
    path.join(dir, 'steps', 'hook.mjs'),
    `import { ${kind} } from '@cucumber/cucumber';\n${kind}(function () { throw new Error(${JSON.stringify(message)}); });\n`,
  );
}

/** `nettwin run --backend model` from the sources, in `dir`. */
export async function runModelIn(
  dir: string,
): Promise<{ exitCode?: number; stdout: string; stderr: string }> {
  const run = await execa(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), path.join(ROOT, 'src/cli/main.ts'), 'run', '--backend', 'model'],
    { cwd: dir, reject: false, env: { ...process.env, NETTWIN_BACKEND: '', NODE_OPTIONS: '' } },
  );
  return { exitCode: run.exitCode, stdout: run.stdout, stderr: run.stderr };
}
