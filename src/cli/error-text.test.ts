import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { errorText } from './error-text.ts';

test("a wrapped hook error prints its cause's message under it", () => {
  const cause = new Error(
    'Invalid nettwin DinD settings: NETTWIN_DIND_IMAGE: expected a Docker image reference',
  );
  const error = new Error('a BeforeAll hook errored, process exiting: steps/hooks.ts:52', { cause });
  assert.equal(
    errorText(error),
    'a BeforeAll hook errored, process exiting: steps/hooks.ts:52\n  because: Invalid nettwin DinD settings: NETTWIN_DIND_IMAGE: expected a Docker image reference',
  );
});

test('an error without a cause is its message; a cycle or a deep chain ends', () => {
  assert.equal(errorText(new Error('plain')), 'plain');
  const a = new Error('a');
  const b = new Error('b', { cause: a });
  a.cause = b;
  assert.equal(errorText(a), 'a\n  because: b');
  fc.assert(
    fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 20 }), (messages) => {
      let e: Error | undefined;
      for (const m of messages) e = new Error(m, e ? { cause: e } : undefined);
      const lines = errorText(e).split('\n');
      assert.ok(lines.length <= 5 || messages.some((m) => m.includes('\n')));
      assert.ok(errorText(e).startsWith(messages.at(-1) as string));
    }),
  );
});
