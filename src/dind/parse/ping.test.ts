import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parsePingStatistics } from './ping.ts';

test('parses the statistics of ground truth e1', () => {
  const text = readFileSync(
    new URL('../../../fixtures/groundtruth/e1-default-bridge-ping.txt', import.meta.url),
    'utf8',
  );
  assert.deepEqual(parsePingStatistics(text), { sent: 3, received: 3 });
});

test('parses loss with errors and fails on garbage', () => {
  const out =
    '--- 172.30.0.2 ping statistics ---\n3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2040ms\n';
  assert.deepEqual(parsePingStatistics(out), { sent: 3, received: 0 });
  assert.throws(() => parsePingStatistics('ping: unknown host'), /No ping statistics/);
});
