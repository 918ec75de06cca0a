import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NettwinWorld } from '../world.ts';
import { comparisonSkipped } from './comparison.ts';

test('a comparison with one side only is skipped (never passed) and says what would compare it', () => {
  for (const [backend, missing] of [
    ['model', 'real host'],
    ['dind', 'model'],
  ] as const) {
    const logged: string[] = [];
    const world = { backendName: backend, log: (t: string) => logged.push(t) } as unknown as NettwinWorld;
    assert.equal(comparisonSkipped(world, 'the ruleset'), 'skipped');
    assert.deepEqual(logged, [
      `skipped: the ${backend} backend has no ${missing} to compare the ruleset with (--backend twin compares them)`,
    ]);
  }
});
