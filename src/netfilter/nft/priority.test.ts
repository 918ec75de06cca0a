import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { listedPriority, priorityValue } from './priority.ts';

test('nft lists a priority near a standard one by name and offset (as a 28.5 host listed them)', () => {
  assert.equal(listedPriority(-10, 'inet', 'forward'), 'filter - 10');
  assert.equal(listedPriority(10, 'ip', 'forward'), 'filter + 10');
  assert.equal(listedPriority(0, 'inet', 'input'), 'filter');
  assert.equal(listedPriority(-90, 'inet', 'prerouting'), 'dstnat + 10');
  assert.equal(listedPriority(110, 'inet', 'postrouting'), 'srcnat + 10');
  assert.equal(listedPriority(-155, 'ip', 'prerouting'), 'mangle - 5');
  assert.equal(listedPriority(-11, 'inet', 'forward'), '-11');
  assert.equal(listedPriority(-100, 'inet', 'forward'), '-100'); // dstnat does not fit forward
  assert.equal(listedPriority(-200, 'bridge', 'forward'), 'filter');
});

test('property: the listed form means the same number', () => {
  const family = fc.constantFrom('ip', 'ip6', 'inet', 'bridge') as fc.Arbitrary<
    'ip' | 'ip6' | 'inet' | 'bridge'
  >;
  const hook = fc.constantFrom('prerouting', 'input', 'forward', 'output', 'postrouting');
  fc.assert(
    fc.property(fc.integer({ min: -400, max: 400 }), family, hook, (value, f, h) => {
      assert.equal(priorityValue(listedPriority(value, f, h), f), value);
    }),
  );
});
