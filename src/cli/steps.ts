/**
 * `nettwin steps [--json]`: the vocabulary, read from the step definitions themselves
 * (loaded the way `nettwin run` loads them: nettwin's steps, then the working
 * directory's steps/** and features/**), each with its topic and one example from
 * steps/lib/vocabulary.ts, grouped by topic; then the project's own steps. A definition
 * without an example still shows (under "not described yet") and the unit test fails.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { EXAMPLES, type StepExample, TOPICS, type Topic } from '../../steps/lib/vocabulary.ts';
import { VOCABULARY_DIR } from '../package-paths.ts';
import { humanizePattern, type StepPattern } from './closest-steps.ts';
import { registerTypeScript, supportImports } from './support-code.ts';

/** The part of cucumber's StepDefinition (lib/models/step_definition) read here. */
interface CucumberStepDefinition {
  keyword: string;
  pattern: string | RegExp;
  uri: string;
  line: number;
  code: (...args: unknown[]) => unknown;
  unwrappedCode?: (...args: unknown[]) => unknown;
  expression: { match(text: string): readonly unknown[] | null };
}

/** A step definition as cucumber loaded it, reduced to what the listing needs. */
export interface LoadedDefinition {
  keyword: string;
  pattern: StepPattern;
  /** Relative to the working directory, as cucumber reports it. */
  uri: string;
  line: number;
  origin: 'nettwin' | 'project';
  /** The function's arity: its parameters plus one when it takes a doc string or table. */
  arity: number;
  /** The values the definition reads from `text`, or null when it does not match. */
  match(text: string): readonly unknown[] | null;
}

export interface VocabularyStep {
  origin: 'nettwin' | 'project';
  /** Undefined for the project's steps, and for a nettwin step with no example yet. */
  topic?: Topic;
  keyword: string;
  /** The definition as a sentence: [optional parts], "…" a quoted value, … a value. */
  sentence: string;
  pattern: StepPattern;
  example?: string;
  argument?: string;
  location: string;
}

export interface Vocabulary {
  steps: VocabularyStep[];
  /** What keeps the listing from being complete and true (the unit test wants none). */
  problems: string[];
}

/** Load every step definition `nettwin run` would load in `cwd` (ES modules load once per process). */
export async function loadStepDefinitions(cwd: string): Promise<LoadedDefinition[]> {
  const { loadConfiguration, loadSupport } = await import('@cucumber/cucumber/api');
  // As `nettwin run` loads them.
  const support = supportImports(cwd);
  if (support.needsHooks) await registerTypeScript();
  const environment = { cwd, stdout: process.stderr, stderr: process.stderr, env: process.env };
  let library: { stepDefinitions?: CucumberStepDefinition[] };
  try {
    const { runConfiguration } = await loadConfiguration(
      {
        file: false,
        provided: { import: support.imports() },
      },
      environment,
    );
    // The public type hides the definitions; the library cucumber builds holds them (12.x).
    library = (await loadSupport(runConfiguration, environment)) as unknown as typeof library;
  } finally {
    support.dispose();
  }
  if (!Array.isArray(library.stepDefinitions))
    throw new Error(
      "this version of @cucumber/cucumber does not expose its step definitions to 'nettwin steps'",
    );
  const vocabularyDir = path.resolve(VOCABULARY_DIR);
  return library.stepDefinitions.map((d) => {
    const absolute = path.resolve(cwd, d.uri);
    const inVocabulary = !path.relative(vocabularyDir, absolute).startsWith('..');
    return {
      keyword: d.keyword === 'Unknown' ? '*' : d.keyword,
      pattern:
        typeof d.pattern === 'string'
          ? { source: d.pattern, type: 'CUCUMBER_EXPRESSION' }
          : { source: d.pattern.source, type: 'REGULAR_EXPRESSION' },
      uri: d.uri,
      line: d.line,
      origin: inVocabulary ? 'nettwin' : 'project',
      arity: (d.unwrappedCode ?? d.code).length,
      match: (text: string) => d.expression.match(text),
    };
  });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Pair nettwin's definitions with their examples: each example must match exactly one
 * definition, each definition needs one, and an example carries a doc string or table
 * exactly when its definition takes one.
 */
export function describeVocabulary(
  definitions: readonly LoadedDefinition[],
  examples: Readonly<Record<Topic, readonly StepExample[]>> = EXAMPLES,
): Vocabulary {
  const problems: string[] = [];
  const found = new Map<LoadedDefinition, { topic: Topic; example: StepExample }>();
  const ours = definitions.filter((d) => d.origin === 'nettwin');
  for (const topic of TOPICS) {
    for (const example of examples[topic]) {
      const matching = ours.filter((d) => d.match(example.example) !== null);
      const [definition] = matching;
      if (!definition) {
        problems.push(`example "${example.example}" (${topic}) matches no step definition`);
        continue;
      }
      if (matching.length > 1) {
        const where = matching.map((d) => `${d.uri}:${d.line}`).join(', ');
        problems.push(
          `example "${example.example}" matches ${plural(matching.length, 'definition')} (${where})`,
        );
        continue;
      }
      if (found.has(definition)) continue; // a second example of one sentence: the first one shows
      const values = definition.match(example.example)?.length ?? 0;
      const takesArgument = definition.arity > values;
      if (takesArgument !== (example.argument !== undefined)) {
        problems.push(
          `example "${example.example}" ${takesArgument ? 'needs' : 'must not have'} a doc string or table: ` +
            `${definition.uri}:${definition.line} ${takesArgument ? 'takes' : 'takes no'} argument`,
        );
      }
      found.set(definition, { topic, example });
    }
  }
  const steps: VocabularyStep[] = [];
  for (const d of definitions) {
    const step: VocabularyStep = {
      origin: d.origin,
      keyword: d.keyword,
      sentence: humanizePattern(d.pattern, { alternatives: true }),
      pattern: d.pattern,
      location: `${d.uri}:${d.line}`,
    };
    const described = found.get(d);
    if (described) {
      step.topic = described.topic;
      step.example = described.example.example;
      if (described.example.argument !== undefined) step.argument = described.example.argument;
    } else if (d.origin === 'nettwin') {
      problems.push(
        `${d.uri}:${d.line} "${d.pattern.source}" has no topic and example in steps/lib/vocabulary.ts`,
      );
    }
    steps.push(step);
  }
  // Topics in order, and in a topic the order of the examples (definitions without one last).
  const order = TOPICS.flatMap((t) => examples[t].map((e) => e.example));
  const rank = (s: VocabularyStep) => (s.example === undefined ? order.length : order.indexOf(s.example));
  const nettwin = steps.filter((s) => s.origin === 'nettwin').sort((a, b) => rank(a) - rank(b));
  return { steps: [...nettwin, ...steps.filter((s) => s.origin === 'project')], problems };
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n');
}

/** The listing a person reads. */
export function formatVocabulary(vocabulary: Vocabulary): string {
  const ours = vocabulary.steps.filter((s) => s.origin === 'nettwin');
  const project = vocabulary.steps.filter((s) => s.origin === 'project');
  const lines = [
    `nettwin's sentences (${ours.length}), by topic, each with an example.`,
    '[…] is optional, "…" a quoted value, … a value; Given, When, Then, And and But are interchangeable.',
  ];
  const groups: [string, VocabularyStep[]][] = TOPICS.map((t) => [t, ours.filter((s) => s.topic === t)]);
  groups.push(['not described yet', ours.filter((s) => s.topic === undefined)]);
  for (const [title, steps] of groups) {
    if (steps.length === 0) continue;
    lines.push('', title.charAt(0).toUpperCase() + title.slice(1));
    for (const s of steps) {
      lines.push(`  ${s.keyword} ${s.sentence}`);
      // A sentence without values is its own example.
      if (s.example !== undefined && (s.example !== s.sentence || s.argument !== undefined))
        lines.push(`      e.g. ${s.keyword} ${s.example}`);
      if (s.argument !== undefined) lines.push(indent(s.argument, '             '));
    }
  }
  lines.push('', "This project's own steps (steps/ and features/ of this directory)");
  if (project.length === 0) {
    lines.push(
      "  none yet: a steps/*.ts importing Given/When/Then from 'nettwin' adds sentences (nettwin init writes one)",
    );
  }
  for (const s of project) lines.push(`  ${s.keyword} ${s.sentence}    (${s.location})`);
  return lines.join('\n');
}

/** The listing an editor reads: every step, nettwin's by topic, then the project's. */
export function vocabularyJson(vocabulary: Vocabulary): string {
  const steps = vocabulary.steps.map(
    ({ origin, topic, keyword, sentence, pattern, example, argument, location }) => ({
      origin,
      topic: topic ?? null,
      keyword,
      sentence,
      pattern,
      example: example ?? null,
      argument: argument ?? null,
      location,
    }),
  );
  return `${JSON.stringify({ topics: TOPICS, steps }, null, 2)}\n`;
}

export function stepsCommand(program: Command): Command {
  return program
    .command('steps')
    .description("list every sentence nettwin understands, with an example each, then this project's own")
    .option('--json', 'print them as JSON (for editors)')
    .action(async (opts: { json?: boolean }) => {
      const vocabulary = describeVocabulary(await loadStepDefinitions(process.cwd()));
      process.stdout.write(opts.json ? vocabularyJson(vocabulary) : `${formatVocabulary(vocabulary)}\n`);
    });
}
