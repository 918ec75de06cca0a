/**
 * Every sentence of nettwin's vocabulary, written as the features and the vocabulary's
 * examples write it, prints exactly as written in the HTML report: the step-match
 * arguments cucumber builds for it (as assemble_test_cases.js does), passed through
 * forHtmlReport, rebuild the text the way the formatter does. The browser test checks
 * the real formatter on a real report (scripts/report.browser-test.ts).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { AstBuilder, compile, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { type Envelope, type Group, IdGenerator, type StepMatchArgument } from '@cucumber/messages';
import fc from 'fast-check';
import { EXAMPLES, TOPICS } from '../../steps/lib/vocabulary.ts';
import { forHtmlReport, formatterStepText, printable } from './step-arguments.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

interface CucumberGroup {
  start?: number;
  value?: string;
  children?: CucumberGroup[];
}
interface Definition {
  uri: string;
  line: number;
  pattern: string | RegExp;
  expression: {
    match(text: string): { group: CucumberGroup; parameterType: { name?: string } }[] | null;
  };
}

let definitions: Definition[] = [];

before(async () => {
  const { loadConfiguration, loadSupport } = await import('@cucumber/cucumber/api');
  const steps = readdirSync(path.join(ROOT, 'steps'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(ROOT, 'steps', f));
  const environment = { cwd: ROOT, stdout: process.stderr, stderr: process.stderr, env: process.env };
  const { runConfiguration } = await loadConfiguration(
    { file: false, provided: { import: steps } },
    environment,
  );
  // The public type hides the definitions; the library cucumber builds holds them (12.x).
  const library = (await loadSupport(runConfiguration, environment)) as unknown as {
    stepDefinitions: Definition[];
  };
  definitions = library.stepDefinitions;
});

/** As cucumber's assemble_test_cases.js maps an argument's group into the testCase message. */
function toMessageGroup(group: CucumberGroup): Group {
  return {
    start: group.start,
    value: group.value,
    children: group.children?.map(toMessageGroup),
  } as Group;
}

function stepMatchArguments(definition: Definition, text: string): StepMatchArgument[] | null {
  const matched = definition.expression.match(text);
  return matched
    ? matched.map((a) => ({ group: toMessageGroup(a.group), parameterTypeName: a.parameterType.name }))
    : null;
}

/** Every step text of features/**, outlines expanded, and every example of the vocabulary. */
function stepTexts(): string[] {
  const texts = new Set<string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) walk(file);
      else if (e.name.endsWith('.feature')) {
        const parser = new Parser(
          new AstBuilder(IdGenerator.incrementing()),
          new GherkinClassicTokenMatcher(),
        );
        const document = parser.parse(readFileSync(file, 'utf8'));
        for (const pickle of compile(document, file, IdGenerator.incrementing()))
          for (const step of pickle.steps) texts.add(step.text);
      }
    }
  };
  walk(path.join(ROOT, 'features'));
  for (const topic of TOPICS) for (const e of EXAMPLES[topic]) texts.add(e.example);
  return [...texts];
}

const printed = (text: string, args: StepMatchArgument[]) =>
  formatterStepText(text, [{ stepMatchArguments: args }]);

test('every step of the features and the vocabulary prints exactly as written, its values highlighted', () => {
  const texts = stepTexts();
  assert.ok(texts.length > 100, `step texts found (${texts.length})`);
  const used = new Set<Definition>();
  const wrong: string[] = [];
  for (const text of texts) {
    for (const definition of definitions) {
      const args = stepMatchArguments(definition, text);
      if (!args) continue;
      used.add(definition);
      const shown = args.filter(printable);
      const parts = printed(text, shown);
      const values = parts.filter((p) => p.parameterTypeName).map((p) => p.value);
      if (parts.map((p) => p.value).join('') !== text)
        wrong.push(
          `${definition.uri}:${definition.line} prints "${parts.map((p) => p.value).join('')}" for "${text}"`,
        );
      else if (values.join('\u0000') !== shown.map((a) => a.group.value).join('\u0000'))
        wrong.push(`${definition.uri}:${definition.line} loses values of "${text}"`);
    }
  }
  assert.deepEqual(wrong, []);
  const unused = definitions
    .filter((d) => !used.has(d))
    .map((d) => `${d.uri}:${d.line} ${String(d.pattern)}`);
  assert.deepEqual(unused, [], 'every definition is checked: give it an example in steps/lib/vocabulary.ts');
});

test('without the filter, sentences with optional parts print garbled (why forHtmlReport exists)', () => {
  const garbled = stepTexts().filter((text) =>
    definitions.some((d) => {
      const args = stepMatchArguments(d, text);
      return (
        args !== null &&
        printed(text, args)
          .map((p) => p.value)
          .join('') !== text
      );
    }),
  );
  // If this fails, cucumber or its HTML formatter print these correctly now: forHtmlReport can go.
  assert.ok(garbled.includes('a Docker host'), garbled.slice(0, 5).join('\n'));
  const host = definitions.find((d) => stepMatchArguments(d, 'a Docker host'));
  const args = stepMatchArguments(host as Definition, 'a Docker host') ?? [];
  assert.equal(
    printed('a Docker host', args)
      .map((p) => p.value)
      .join(''),
    'a Docker hosta Docker hosta Docker host',
  );
});

test('forHtmlReport drops only the arguments that took no part or matched nothing', () => {
  const arg = (start: number | undefined, value: string | undefined): StepMatchArgument => ({
    group: { start, value, children: [] } as unknown as Group,
    parameterTypeName: '',
  });
  const testCase = {
    id: 'tc',
    pickleId: 'p',
    testSteps: [
      {
        id: 's1',
        pickleStepId: 'ps1',
        stepDefinitionIds: ['d'],
        stepMatchArgumentsLists: [
          { stepMatchArguments: [arg(0, '"a"'), arg(undefined, undefined), arg(9, '')] },
        ],
      },
      { id: 'h', hookId: 'hook' },
    ],
  };
  const cleaned = forHtmlReport({ testCase } as Envelope).testCase;
  assert.deepEqual(
    cleaned?.testSteps[0]?.stepMatchArgumentsLists?.[0]?.stepMatchArguments.map((a) => a.group.value),
    ['"a"'],
  );
  assert.deepEqual(cleaned?.testSteps[1], testCase.testSteps[1]);
  assert.equal(
    testCase.testSteps[0]?.stepMatchArgumentsLists?.[0]?.stepMatchArguments.length,
    3,
    'input untouched',
  );
  const other = { pickle: { id: 'p' } } as Envelope;
  assert.equal(forHtmlReport(other), other);
});

test('property: any text with any capture groups, some left out or empty, prints exactly once filtered', () => {
  const groups = fc
    .tuple(
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.array(fc.tuple(fc.nat(), fc.nat(6), fc.nat(3)), { maxLength: 6 }),
    )
    .map(([text, picks]) => {
      // Non-overlapping groups in order, like a regexp's top-level captures; kind 0 took no part, 1 matched "".
      const args: StepMatchArgument[] = [];
      let at = 0;
      for (const [skip, length, kind] of picks) {
        const start = Math.min(text.length, at + (skip % 5));
        const end = Math.min(text.length, start + length);
        if (kind === 0) args.push({ group: { children: [] } as unknown as Group, parameterTypeName: '' });
        else if (kind === 1) args.push({ group: { start, value: '', children: [] }, parameterTypeName: '' });
        else
          args.push({
            group: { start, value: text.slice(start, end), children: [] },
            parameterTypeName: 'x',
          });
        at = end;
      }
      return { text, args };
    });
  fc.assert(
    fc.property(groups, ({ text, args }) => {
      const parts = printed(text, args.filter(printable));
      assert.equal(parts.map((p) => p.value).join(''), text);
    }),
  );
});
