import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { execa } from 'execa';
import fc from 'fast-check';
import { killAndAwaitExitArgv } from './process-exit.ts';

/** 'gone', or the state letter of /proc/PID/stat. */
function state(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] ?? '?';
  } catch {
    return 'gone';
  }
}

test('killAndAwaitExitArgv: pids travel as arguments, and only process ids do', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 2, max: 2 ** 22 }), { minLength: 1, maxLength: 5 }), (pids) => {
      const argv = killAndAwaitExitArgv(pids);
      assert.deepEqual(argv.slice(4), pids.map(String));
      assert.equal(argv[2], killAndAwaitExitArgv([2])[2], 'the script is the same whatever the pids');
    }),
  );
  for (const bad of [0, 1, -5, 1.5, Number.NaN, 2 ** 60]) assert.throws(() => killAndAwaitExitArgv([bad]));
});

test('killAndAwaitExitArgv returns once the killed processes have closed their files (zombie or gone)', async () => {
  // Not reaped by us until after the call: it stays a zombie, which is enough.
  const running = spawn('sleep', ['30']);
  const stopped = spawn('sleep', ['30']);
  assert.ok(running.pid && stopped.pid);
  process.kill(stopped.pid, 'SIGSTOP');
  const [cmd, ...args] = killAndAwaitExitArgv([running.pid, stopped.pid]);
  const r = await execa(cmd ?? 'sh', args, { reject: false });
  assert.equal(r.exitCode, 0, r.stderr);
  for (const pid of [running.pid, stopped.pid]) assert.match(state(pid), /^(Z|gone)$/);
});

test('killAndAwaitExitArgv fails when there is nothing to kill', async () => {
  const [cmd, ...args] = killAndAwaitExitArgv([2 ** 22 + 7]);
  const r = await execa(cmd ?? 'sh', args, { reject: false });
  assert.equal(r.exitCode, 1);
});

test('killAndAwaitExitArgv waits while a killed process has not exited, and gives up with 3', async (t) => {
  // A task in a frozen cgroup v1 freezer does not act on SIGKILL until thawed: the
  // stand-in for a killed proxy that a loaded runner has not scheduled yet.
  const freezer = `/sys/fs/cgroup/freezer/nettwin-exit-test-${process.pid}`;
  try {
    mkdirSync(freezer);
  } catch {
    return t.skip('needs root and a cgroup v1 freezer');
  }
  const child = spawn('sleep', ['30']);
  try {
    assert.ok(child.pid);
    writeFileSync(`${freezer}/cgroup.procs`, String(child.pid));
    writeFileSync(`${freezer}/freezer.state`, 'FROZEN');
    const [cmd, ...args] = killAndAwaitExitArgv([child.pid]);
    const started = Date.now();
    const r = await execa(cmd ?? 'sh', args, { reject: false });
    assert.equal(r.exitCode, 3);
    assert.ok(Date.now() - started >= 2500, 'it polled for about 3 s');
    assert.doesNotMatch(state(child.pid), /^(Z|gone)$/);
  } finally {
    writeFileSync(`${freezer}/freezer.state`, 'THAWED');
    await new Promise((resolve) =>
      child.exitCode !== null || child.signalCode ? resolve(0) : child.on('exit', resolve),
    );
    rmdirSync(freezer);
  }
});
