import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { earlyPingArgv, SUM_DROPS } from './early-ping.ts';

const dump = [
  '*filter',
  ':INPUT ACCEPT [9:756]',
  ':FORWARD DROP [2:168]',
  ':DOCKER-ISOLATION-STAGE-2 - [0:0]',
  '[3:252] -A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP',
  '[5:420] -A FORWARD -j DOCKER-USER',
  '[7:588] -A FORWARD -o docker0 -j ACCEPT',
  '[1:84] -A DOCKER-USER -s 10.0.0.1/32 -j DROP',
  'COMMIT',
].join('\n');

test('the drop sum counts DROP rules and DROP policies, nothing else', () => {
  const sum = execFileSync('awk', [SUM_DROPS], { input: dump, encoding: 'utf8' }).trim();
  assert.equal(sum, String(3 + 2 + 1));
});

test('the script waits until the last request is out, then polls; container empty for the host', () => {
  const [sh, flag, script, name, count, address, container, ns, pid, id] = earlyPingArgv(
    3,
    '172.30.0.2',
    undefined,
  );
  assert.deepEqual(
    [sh, flag, name, count, address, container, ns, pid, id],
    ['sh', '-c', 'sh', '3', '172.30.0.2', '', '', '', ''],
  );
  assert.match(script ?? '', /sleep 0\.50\n/);
  assert.match(script ?? '', /kill -INT/);
  assert.deepEqual(earlyPingArgv(1, '10.0.0.1', { container: 'test1' }).slice(-4), ['test1', '', '', '']);
  assert.deepEqual(earlyPingArgv(1, '10.0.0.1', { container: 'test1', pid: 42, id: 'abc' }).slice(-4), [
    'test1',
    '',
    '42',
    'abc',
  ]);
  assert.deepEqual(earlyPingArgv(1, '10.0.0.1', { namespace: 'nettwin-client' }).slice(-4), [
    '',
    'nettwin-client',
    '',
    '',
  ]);
});
