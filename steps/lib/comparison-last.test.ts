/**
 * `the counters match the model` and `the ruleset matches the model` are skipped on the
 * model and dind backends, and cucumber skips every step after a skipped one: in every
 * feature they come last in their scenario (and never in a Background), so the other
 * checks of a scenario run on every backend.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const FEATURES = path.resolve(import.meta.dirname, '../../features');
const COMPARISON = /^(Then|And|But|\*)\s+(the counters match the model|the ruleset matches the model)$/;
const STEP = /^(Given|When|Then|And|But|\*)\s/;
const BLOCK = /^(Background|Scenario|Scenario Outline|Example|Rule|Examples|Feature):/;

/** `file:line` of each comparison step that another step follows in its scenario. */
export function comparisonsNotLast(text: string, file: string): string[] {
  const found: string[] = [];
  let pending: string[] = [];
  let background = false;
  let inDocString = false;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith('"""') || line.startsWith('```')) inDocString = !inDocString;
    if (inDocString || line.startsWith('"""') || line.startsWith('```')) return;
    if (BLOCK.test(line)) {
      pending = [];
      background = line.startsWith('Background:');
      return;
    }
    if (!STEP.test(line)) return;
    const here = `${file}:${i + 1}`;
    if (COMPARISON.test(line)) {
      if (background) found.push(`${here} (in a Background)`);
      else pending.push(here);
    } else {
      found.push(...pending);
      pending = [];
    }
  });
  return found;
}

function featureFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.feature'))
    .map((e) => path.join(e.parentPath, e.name));
}

test('the scan finds a comparison that another step follows, and accepts trailing ones', () => {
  const feature = [
    'Feature: f',
    '  Scenario: s',
    '    When "a" pings "b"',
    '    Then the counters match the model',
    '    When "a" pings "c"',
    '    Then the ping fails',
    '      """',
    '      And the counters match the model',
    '      """',
    '    And the counters match the model',
    '    And the ruleset matches the model',
    '  Scenario: t',
    '    Then the ruleset matches the model',
  ].join('\n');
  assert.deepEqual(comparisonsNotLast(feature, 'f.feature'), ['f.feature:4']);
  assert.deepEqual(
    comparisonsNotLast('Feature: f\n  Background:\n    And the ruleset matches the model\n', 'b'),
    ['b:3 (in a Background)'],
  );
});

test('every comparison with the model ends its scenario', () => {
  const files = featureFiles(FEATURES);
  assert.ok(files.length > 10, `features found: ${files.length}`);
  const misplaced = files.flatMap((f) =>
    comparisonsNotLast(readFileSync(f, 'utf8'), path.relative(path.dirname(FEATURES), f)),
  );
  assert.deepEqual(
    misplaced,
    [],
    'move these to the end of their scenario (or drop them: the twin compares every step)',
  );
});
