import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { test } from 'node:test';
import {
  LABEL_MANAGED,
  LABEL_SESSION,
  labelArgs,
  ownerAlive,
  ownerLabel,
  processState,
  SESSION_ID,
  sessionLabels,
} from './labels.ts';

test('session labels carry managed, session and owner', () => {
  const labels = sessionLabels('dind-host');
  assert.equal(labels[LABEL_MANAGED], 'true');
  assert.equal(labels[LABEL_SESSION], SESSION_ID);
  assert.equal(labels['org.nettwin.role'], 'dind-host');
  assert.deepEqual(labelArgs({ a: 'b' }), ['--label', 'a=b']);
});

test('ownerAlive: this process is alive, an exited one is not, another host is assumed alive', () => {
  assert.equal(ownerAlive(ownerLabel()), true);
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  const deadPid = Number(child.stdout.toString());
  assert.equal(ownerAlive(ownerLabel(deadPid)), false);
  assert.equal(ownerAlive(`${deadPid}@some-other-machine`), true);
  assert.equal(ownerAlive(undefined), false);
  assert.equal(ownerAlive('garbage'), false);
});

test('ownerAlive: a zombie owner (killed, never reaped) is dead', async () => {
  // `exec sleep` replaces the shell with a parent that never reaps its child. The child
  // sleeps until the test kills it, so "alive" does not depend on how fast this loaded
  // machine gets back to the test (a 0.1 s sleep once ended before the first check).
  const child = spawn('sh', ['-c', 'sleep 60 & echo $!; exec sleep 60'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const pid = await new Promise<number>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
  );
  try {
    assert.equal(ownerAlive(`${pid}@${hostname()}`), true, 'alive while it sleeps');
    process.kill(pid, 'SIGKILL');
    // Wait for the kernel to make it a zombie (its parent never reaps it): an event, polled.
    for (let i = 0; i < 500 && processState(pid) !== 'Z'; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(processState(pid), 'Z', 'the killed child is a zombie');
    assert.equal(ownerAlive(`${pid}@${hostname()}`), false, 'a zombie is not alive');
  } finally {
    child.kill();
  }
});
