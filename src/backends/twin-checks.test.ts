/** What must agree after one action (twin-checks.ts): each difference is named, agreement is none. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerInfo, ExecResult, NetworkInfo } from './backend.ts';
import { containerMismatch, exitCodeMismatch, networkMismatch, tcpConnectivity } from './twin-checks.ts';

const web: ContainerInfo = {
  name: 'web',
  id: 'a',
  network: 'n1',
  address: '172.18.0.2',
  address6: 'fd00::2',
};

test('a container: the IPv4 address first, then the IPv6 one unless only IPv4 is compared', () => {
  assert.equal(containerMismatch('run', web, { ...web }), undefined);
  const v4 = containerMismatch('run', web, { ...web, address: '172.18.0.3' });
  assert.deepEqual(v4?.details.other, ['address: real 172.18.0.2, model 172.18.0.3']);
  const v6 = containerMismatch('run', web, { ...web, address6: 'fd00::3' });
  assert.deepEqual(v6?.details.other, ['IPv6 address: real fd00::2, model fd00::3']);
  assert.equal(containerMismatch('connect', web, { ...web, address6: 'fd00::3' }, 'ipv4'), undefined);
  const none = containerMismatch('run', web, { name: 'web', id: 'a', network: 'none' });
  assert.deepEqual(none?.details.other, ['address: real 172.18.0.2, model (none)']);
});

test('a network: subnet and gateway, both named when both differ', () => {
  const real: NetworkInfo = {
    name: 'n1',
    id: 'x',
    bridge: 'br-x',
    subnet: '172.18.0.0/16',
    gateway: '172.18.0.1',
  };
  assert.equal(networkMismatch('create', real, { ...real, id: 'y', bridge: 'br-y' }), undefined);
  const both = networkMismatch('create', real, { ...real, subnet: '172.19.0.0/16', gateway: '172.19.0.1' });
  assert.deepEqual(both?.details.other, [
    'subnet: real 172.18.0.0/16, model 172.19.0.0/16',
    'gateway: real 172.18.0.1, model 172.19.0.1',
  ]);
});

test('a host command: the exit codes with each side’s message', () => {
  const ok: ExecResult = { exitCode: 0, stdout: '', stderr: '' };
  assert.equal(exitCodeMismatch('cmd', ok, { ...ok, stdout: 'other' }), undefined);
  const failed = exitCodeMismatch('cmd', ok, { exitCode: 1, stdout: '', stderr: 'iptables: Bad rule\n' });
  assert.deepEqual(failed?.details.other, ['exit code: real 0 (no message), model 1 (iptables: Bad rule)']);
});

test('a TCP send: the source seen counts only when the real request got through', () => {
  assert.deepEqual(
    tcpConnectivity({ outcome: 'timeout', seenSource: '1.2.3.4' }, { outcome: 'timeout' }),
    [],
  );
  assert.ok(
    tcpConnectivity({ outcome: 'ok', seenSource: '10.0.0.1' }, { outcome: 'ok', seenSource: '10.0.0.2' })
      .length > 0,
  );
});
