import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  abstractStepText,
  closestSteps,
  editDistance,
  humanizePattern,
  type StepPattern,
} from './closest-steps.ts';

const regexp = (source: string): StepPattern => ({ source, type: 'REGULAR_EXPRESSION' });
const expression = (source: string): StepPattern => ({ source, type: 'CUCUMBER_EXPRESSION' });

const patterns: StepPattern[] = [
  regexp('^("[^"]+"|the host) pings (?:"([^"]+)"( by name)?|(\\S+))(?: (\\d+) times?)?$'),
  regexp('^an? (internal )?bridge network "([^"]+)"(?: with subnet (\\S+?)(?: and gateway (\\S+?))?)?$'),
  expression('I remove container {container}'),
  expression('I restart container {container}'),
  expression('{container} sends {string} to {container} on tcp port {int}'),
  regexp('^I run on the host: (.+)$'),
];

test('editDistance is the Levenshtein distance', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('same', 'same'), 0);
});

test('abstractStepText replaces names, addresses, URLs and numbers', () => {
  assert.equal(abstractStepText('"test1" pings 172.18.0.2 3 times'), '"…" pings … … times');
  assert.equal(abstractStepText('"box" requests http://192.168.70.6:8080/'), '"…" requests …');
});

test('humanizePattern turns regexps into sentences with [optional] parts', () => {
  assert.equal(humanizePattern(patterns[0] as StepPattern), '"…" pings "…"[ by name][ … times]');
  assert.equal(
    humanizePattern(patterns[1] as StepPattern),
    'an [internal ]bridge network "…"[ with subnet …[ and gateway …]]',
  );
  assert.equal(humanizePattern(patterns[4] as StepPattern), '"…" sends "…" to "…" on tcp port …');
});

test('closestSteps ranks a typo above unrelated sentences', () => {
  const [first, second] = closestSteps('I remve container "web"', patterns);
  assert.equal(first?.sentence, 'I remove container "…"');
  assert.equal(second?.sentence, 'I restart container "…"');
  assert.equal(
    closestSteps('"a" pingz "b" 3 times', patterns)[0]?.sentence,
    '"…" pings "…"[ by name][ … times]',
  );
  assert.equal(
    closestSteps('a bridge netwrk "x" with subnet 10.0.0.0/8', patterns)[0]?.sentence.startsWith('an '),
    true,
  );
});

test('closestSteps returns at most the limit, without duplicates', () => {
  assert.equal(closestSteps('anything', [...patterns, ...patterns], 3).length, 3);
  assert.equal(closestSteps('anything', patterns.slice(0, 2), 3).length, 2);
});
