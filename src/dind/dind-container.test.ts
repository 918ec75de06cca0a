import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerdOptions } from './dind-container.ts';

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
