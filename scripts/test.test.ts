import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tapTotals } from './test.ts';

test('tapTotals reads the totals node:test prints at the end of a TAP stream', () => {
  const tap = [
    'TAP version 13',
    'ok 1 - a',
    'not ok 2 - b',
    '1..2',
    '# tests 2',
    '# pass 1',
    '# fail 1',
    '# cancelled 1',
  ].join('\n');
  assert.deepEqual(tapTotals(tap), { passed: 1, failed: 2 });
  assert.deepEqual(tapTotals(''), { passed: 0, failed: 0 });
});
