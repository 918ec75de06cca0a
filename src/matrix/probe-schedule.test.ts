import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { runBounded, type ScheduledTask } from './probe-schedule.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('never more than `limit` at once, never two of one exclusive key, results in order', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({ delay: fc.integer({ min: 0, max: 3 }), key: fc.option(fc.constantFrom('a', 'b')) }),
        {
          maxLength: 12,
        },
      ),
      fc.integer({ min: 1, max: 5 }),
      async (specs, limit) => {
        let running = 0;
        let peak = 0;
        const busy = new Set<string>();
        const tasks: ScheduledTask<number>[] = specs.map((s, i) => ({
          ...(s.key === null ? {} : { exclusive: s.key }),
          run: async () => {
            running++;
            peak = Math.max(peak, running);
            if (s.key !== null) {
              assert.ok(!busy.has(s.key), `two "${s.key}" tasks overlapped`);
              busy.add(s.key);
            }
            await tick(s.delay);
            if (s.key !== null) busy.delete(s.key);
            running--;
            return i;
          },
        }));
        const results = await runBounded(tasks, { limit });
        assert.deepEqual(
          results,
          specs.map((_, i) => i),
        );
        assert.ok(peak <= limit, `peak ${peak} > limit ${limit}`);
      },
    ),
    { numRuns: 60 },
  );
});

test('runs in parallel up to the limit', async () => {
  let peak = 0;
  let running = 0;
  const task = {
    run: async () => {
      running++;
      peak = Math.max(peak, running);
      await tick(5);
      running--;
    },
  };
  await runBounded([task, task, task, task, task, task], { limit: 4 });
  assert.equal(peak, 4);
});

test('a failing task rejects once the running ones have settled, and starts no more', async () => {
  const started: number[] = [];
  let settled = 0;
  const tasks = [0, 1, 2, 3].map((i) => ({
    run: async () => {
      started.push(i);
      await tick(i === 0 ? 1 : 5);
      settled++;
      if (i === 0) throw new Error('probe 0 failed');
    },
  }));
  await assert.rejects(runBounded(tasks, { limit: 2 }), /probe 0 failed/);
  assert.deepEqual(started, [0, 1]);
  assert.equal(settled, 2);
});

test('a limit below 1 is refused', async () => {
  await assert.rejects(runBounded([], { limit: 0 }), RangeError);
  assert.deepEqual(await runBounded([], { limit: 1 }), []);
});
