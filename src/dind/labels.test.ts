import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import {
  LABEL_MANAGED,
  LABEL_SESSION,
  labelArgs,
  ownerAlive,
  ownerLabel,
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
