import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GherkinDocument } from '@cucumber/messages';
import { astNodes, pairAstNodes, renameAstNodes } from './gherkin-ids.ts';

const at = (line: number, column: number) => ({ line, column });

function document(ids: string[], stepLine = 3): GherkinDocument {
  const [scenario, step, tag] = ids;
  return {
    uri: 'features/a.feature',
    comments: [],
    feature: {
      location: at(1, 1),
      tags: [],
      language: 'en',
      keyword: 'Feature',
      name: 'a',
      description: '',
      children: [
        {
          scenario: {
            id: scenario as string,
            location: at(2, 3),
            tags: [{ id: tag as string, name: '@x', location: at(1, 3) }],
            keyword: 'Scenario',
            name: 's',
            description: '',
            steps: [{ id: step as string, location: at(stepLine, 5), keyword: 'Given ', text: 't' }],
            examples: [],
          },
        },
      ],
    },
  };
}

test('astNodes lists ids in an order that does not depend on how the fields were written', () => {
  const doc = document(['s', 'st', 't']);
  const reverse = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(reverse)
      : typeof value === 'object' && value !== null
        ? Object.fromEntries(
            Object.entries(value)
              .reverse()
              .map(([k, v]) => [k, reverse(v)]),
          )
        : value;
  const reordered = reverse(doc) as GherkinDocument;
  assert.notDeepEqual(Object.keys(reordered.feature ?? {}), Object.keys(doc.feature ?? {}));
  assert.deepEqual(
    astNodes(doc).map((n) => n.id),
    ['s', 'st', 't'],
  );
  assert.deepEqual(astNodes(reordered), astNodes(doc));
});

test('two parses of one text pair node by node; different trees do not', () => {
  const paired = pairAstNodes(document(['s1', 'st1', 't1']), document(['s2', 'st2', 't2']));
  assert.ok('pairs' in paired);
  assert.deepEqual(
    [...paired.pairs],
    [
      ['s2', 's1'],
      ['st2', 'st1'],
      ['t2', 't1'],
    ],
  );
  const moved = pairAstNodes(document(['s1', 'st1', 't1']), document(['s2', 'st2', 't2'], 4));
  assert.deepEqual(moved, { mismatch: 'node 2 is at 3:5 in one and at 4:5 in the other' });
});

test('renameAstNodes renames ids only, in a copy', () => {
  const doc = document(['s', 'st', 't']);
  const renamed = renameAstNodes(doc, (id) => `${id}'`);
  assert.deepEqual(
    astNodes(renamed).map((n) => n.id),
    ["s'", "st'", "t'"],
  );
  assert.equal(astNodes(doc)[0]?.id, 's');
  assert.equal(renamed.feature?.children[0]?.scenario?.steps[0]?.text, 't');
});
