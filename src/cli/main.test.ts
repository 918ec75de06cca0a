import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { buildProgram, invokedCommand } from './main.ts';

test('invokedCommand: the command being run, the one help is asked for, none for --version', () => {
  assert.equal(invokedCommand(['node', 'nettwin', 'trace', '--ruleset', 'r.txt']), 'trace');
  assert.equal(invokedCommand(['node', 'nettwin', 'help', 'snapshot']), 'snapshot');
  assert.equal(invokedCommand(['node', 'nettwin', '--version']), undefined);
});

test('only the invoked command is loaded; the others are listed by their summary', async () => {
  const full = await buildProgram();
  const lazy = await buildProgram(['node', 'nettwin', '--version']);
  const names = (p: typeof full) => p.commands.map((c) => c.name()).sort();
  assert.deepEqual(names(lazy), names(full));
  const trace = (p: typeof full) => p.commands.find((c) => c.name() === 'trace');
  assert.ok((trace(full)?.options.length ?? 0) > 0);
  assert.equal(trace(lazy)?.options.length, 0);
  assert.ok((trace(await buildProgram(['node', 'nettwin', 'trace', '--help']))?.options.length ?? 0) > 0);
});

// The bin registers tsx from the checkout: the project directory has no node_modules.
const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'nettwin.js');

/** `nettwin ARGS` in `cwd`, as a user runs it: exit code and output. */
function nettwin(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NETTWIN_BACKEND: '', NETTWIN_DOCKER_VERSION: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('exit 2 before anything runs: a missing feature path, an unknown version or backend, an unreadable script', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nettwin-exit-'));
  try {
    mkdirSync(path.join(dir, 'features'));
    mkdirSync(path.join(dir, 'reports'));
    writeFileSync(path.join(dir, 'reports', 'cucumber.html'), 'the last run');
    const typo = nettwin(['run', 'features/typo.feature'], dir);
    assert.equal(typo.code, 2, typo.stderr);
    assert.match(typo.stderr, /no such feature file or directory: features\/typo\.feature/);
    assert.equal(readFileSync(path.join(dir, 'reports', 'cucumber.html'), 'utf8'), 'the last run');
    const version = nettwin(['run', '--docker-version', '99'], dir);
    assert.equal(version.code, 2);
    assert.match(
      version.stderr,
      /--docker-version is "99": nettwin knows Docker 29\.7 \(model only\), 28\.5, 26\.1, 20\.10/,
    );
    const backend = nettwin(['run', '--backend', 'docker'], dir);
    assert.equal(backend.code, 2);
    assert.match(backend.stderr, /--backend is "docker"; expected one of model, dind, twin/);
    const script = nettwin(['ruleset', '--script', path.join(dir, 'missing.sh')], dir);
    assert.equal(script.code, 2);
    assert.match(script.stderr, /--script .*missing\.sh: cannot read the file \(ENOENT\)/);
    const unknown = nettwin(['run', '--no-such-option'], dir);
    assert.equal(unknown.code, 2);
    const help = nettwin(['--help'], dir);
    assert.equal(help.code, 0);
    assert.match(
      help.stdout,
      /Exit codes \(every command\):\n {2}0 {2}passed.*\n {2}1 {2}a scenario or check failed.*\n {2}2 {2}bad input or usage/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
