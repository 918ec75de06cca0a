import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareConnectivity, describeConnectivityDifference } from './connectivity.ts';

test('equal observations have no differences', () => {
  assert.deepEqual(compareConnectivity({ sent: 3, received: 3 }, { sent: 3, received: 3 }), []);
});

test('received count and outcome differences are reported', () => {
  const d = compareConnectivity(
    { sent: 3, received: 0, outcome: 'timeout' },
    { sent: 3, received: 3, outcome: 'ok' },
  );
  assert.deepEqual(
    d.map((x) => x.field),
    ['received', 'outcome'],
  );
  assert.equal(describeConnectivityDifference(d[0] as never), 'received: real 0, model 3');
});

test('fields the real side did not observe are not compared, except a predicted seen source', () => {
  assert.deepEqual(compareConnectivity({ outcome: 'ok' }, { outcome: 'ok', sent: 1 }), []);
  const d = compareConnectivity(
    { outcome: 'ok', seenSource: undefined },
    { outcome: 'ok', seenSource: '172.17.0.1' },
  );
  assert.deepEqual(d, [{ field: 'seenSource', real: undefined, model: '172.17.0.1' }]);
  assert.equal(describeConnectivityDifference(d[0] as never), 'seenSource: real (nothing), model 172.17.0.1');
});
