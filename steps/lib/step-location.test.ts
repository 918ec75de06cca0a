import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AstBuilder, compile, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import { StepError } from './step-error.ts';
import { locatePickleStep } from './step-location.ts';

const SOURCE = `Feature: where
  Background:
    Given a Docker host

  Scenario: one
    When "test1" pings "test2"
    Then the ping succeeds
`;

test('locatePickleStep finds background and scenario steps by their AST ids', () => {
  const newId = IdGenerator.incrementing();
  const document = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(SOURCE);
  const [pickle] = compile({ ...document, uri: 'features/where.feature' }, 'features/where.feature', newId);
  assert.ok(pickle);
  const located = pickle.steps.map((s) => locatePickleStep(document, pickle, s));
  assert.deepEqual(located, [
    { uri: 'features/where.feature', line: 3, text: 'Given a Docker host' },
    { uri: 'features/where.feature', line: 6, text: 'When "test1" pings "test2"' },
    { uri: 'features/where.feature', line: 7, text: 'Then the ping succeeds' },
  ]);
});

test('StepError names the step and its file:line', () => {
  const error = new StepError('no container "x"', {
    uri: 'features/a.feature',
    line: 9,
    text: 'When I remove container "x"',
  });
  assert.equal(
    error.message,
    'no container "x"\n  in step "When I remove container "x"" (features/a.feature:9)',
  );
  assert.equal(new StepError('plain').message, 'plain');
});
