/**
 * The vocabulary listing against the real step definitions, loaded as `nettwin run`
 * loads them (ES modules load once per process: one load, in a project directory that
 * has a step of its own, serves every test here).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EXAMPLES, TOPICS } from '../../steps/lib/vocabulary.ts';
import {
  describeVocabulary,
  formatVocabulary,
  type LoadedDefinition,
  loadStepDefinitions,
  vocabularyJson,
} from './steps.ts';

const project = mkdtempSync(path.join(tmpdir(), 'nettwin-steps-'));
let definitions: LoadedDefinition[] = [];

before(async () => {
  mkdirSync(path.join(project, 'steps'));
  // The project's step imports nettwin's public API (from this checkout: the same cucumber).
  const api = path.resolve(import.meta.dirname, '..', 'index.ts');
  writeFileSync(
    path.join(project, 'steps', 'own.ts'),
    `import { Then } from ${JSON.stringify(api)};\nThen('our firewall is {word}', function (_state: string) {});\n`,
  );
  definitions = await loadStepDefinitions(project);
});

after(() => rmSync(project, { recursive: true, force: true }));

test('every step definition has a topic and an example that matches it and no other', () => {
  const ours = definitions.filter((d) => d.origin === 'nettwin');
  assert.ok(ours.length >= 40, `nettwin's vocabulary loaded (${ours.length} definitions)`);
  const vocabulary = describeVocabulary(definitions);
  assert.deepEqual(vocabulary.problems, [], 'add the missing examples to steps/lib/vocabulary.ts');
  for (const step of vocabulary.steps.filter((s) => s.origin === 'nettwin')) {
    assert.ok(step.topic && step.example, `${step.location} has a topic and an example`);
  }
});

test('a definition without an example, or an example matching nothing, is a problem', () => {
  const ours = definitions.filter((d) => d.origin === 'nettwin');
  const [first] = ours;
  assert.ok(first);
  const without = Object.fromEntries(
    TOPICS.map((t) => [t, EXAMPLES[t].filter((e) => first.match(e.example) === null)]),
  ) as unknown as typeof EXAMPLES;
  const missing = describeVocabulary(definitions, {
    ...without,
    networks: [...without.networks, { example: 'a network made of string and tin cans' }],
  });
  assert.ok(
    missing.problems.some((p) => p.startsWith(`${first.uri}:${first.line} `) && p.includes('no topic')),
    missing.problems.join('\n'),
  );
  assert.ok(missing.problems.some((p) => p.includes('"a network made of string and tin cans"')));
  assert.ok(missing.steps.some((s) => s.location === `${first.uri}:${first.line}` && !s.topic));
});

test('an example must bring the doc string or table its definition takes, and only then', () => {
  const withoutTable = describeVocabulary(definitions, {
    ...EXAMPLES,
    'host commands': EXAMPLES['host commands'].map(({ example }) => ({ example })),
  });
  assert.ok(
    withoutTable.problems.some((p) => /"I run on the host:" needs a doc string or table/.test(p)),
    withoutTable.problems.join('\n'),
  );
  const extra = describeVocabulary(definitions, {
    ...EXAMPLES,
    traffic: [{ example: 'the ping fails', argument: '| a |' }],
  });
  assert.ok(extra.problems.some((p) => /"the ping fails" must not have/.test(p)));
});

test('the listing has every topic in order, each sentence once, then the project’s own steps', () => {
  const vocabulary = describeVocabulary(definitions);
  const text = formatVocabulary(vocabulary);
  const headings = TOPICS.map((t) => text.indexOf(`\n${t.charAt(0).toUpperCase()}${t.slice(1)}\n`));
  assert.ok(
    headings.every((h, i) => h > 0 && (i === 0 || h > (headings[i - 1] ?? 0))),
    `topics in order: ${headings}`,
  );
  assert.match(text, /\n {2}Given a Docker host\[ running Docker …\]\[ with daemon options "…"\]\n/);
  assert.match(text, /\n {6}e\.g\. Given a Docker host running Docker 26\.1/);
  assert.match(
    text,
    /\n {2}Then the request \(succeeds \| is refused \| times out \| fails as unreachable\)\n/,
  );
  assert.doesNotMatch(text, /not described yet/);
  const own = text.indexOf("This project's own steps");
  assert.ok(own > (headings.at(-1) ?? Number.POSITIVE_INFINITY), 'the project section comes last');
  assert.match(text.slice(own), /Then our firewall is …\s+\(steps\/own\.ts:2\)/);
});

test('--json lists the same steps with topic, example and pattern for editors', () => {
  const vocabulary = describeVocabulary(definitions);
  const json = JSON.parse(vocabularyJson(vocabulary)) as {
    topics: string[];
    steps: { origin: string; topic: string | null; example: string | null; pattern: { source: string } }[];
  };
  assert.deepEqual(json.topics, [...TOPICS]);
  assert.equal(json.steps.length, definitions.length);
  const ours = json.steps.filter((s) => s.origin === 'nettwin');
  assert.ok(ours.every((s) => s.topic !== null && s.example !== null));
  assert.deepEqual(
    json.steps.filter((s) => s.origin === 'project').map((s) => s.pattern.source),
    ['our firewall is {word}'],
  );
});
