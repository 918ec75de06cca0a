import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerdOptions, hostEnvironment } from './dind-container.ts';

test('the inner dockerd resolves through the host itself unless the scenario names a nameserver', () => {
  assert.deepEqual(dockerdOptions({ address: '192.168.70.6', daemonOptions: ['--icc=false'] }), [
    '--dns',
    '192.168.70.6',
    '--icc=false',
  ]);
  assert.deepEqual(dockerdOptions({ address: '192.168.70.6', daemonOptions: ['--dns=10.0.0.53'] }), [
    '--dns=10.0.0.53',
  ]);
});

test('a host firewall is started only when asked for: a plain host has no NETTWIN_HOST_FIREWALL at all', () => {
  const base = { address: '192.168.70.6', daemonOptions: [], outside: { NETTWIN_ETH0: '192.168.70.6/24' } };
  const plain = hostEnvironment(base);
  assert.equal('NETTWIN_HOST_FIREWALL' in plain, false);
  assert.deepEqual(plain, { NETTWIN_ETH0: '192.168.70.6/24', NETTWIN_DOCKERD_OPTS: '--dns 192.168.70.6' });
  assert.equal(hostEnvironment({ ...base, hostFirewall: 'firewalld' }).NETTWIN_HOST_FIREWALL, 'firewalld');
  assert.equal(hostEnvironment({ ...base, hostFirewall: 'ufw' }).NETTWIN_HOST_FIREWALL, 'ufw');
});
