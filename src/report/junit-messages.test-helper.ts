/**
 * Generated cucumber message streams for junit-report.test.ts: features with rules,
 * backgrounds and outlines, scenario runs with every status, retries and unfinished test
 * cases in a shuffled order, BeforeAll/AfterAll hooks, text with what XML escapes or cannot
 * hold.
 */
import type { Envelope } from '@cucumber/messages';
import fc from 'fast-check';

const STATUSES = ['UNKNOWN', 'PASSED', 'SKIPPED', 'PENDING', 'UNDEFINED', 'AMBIGUOUS', 'FAILED'] as const;

/**
 * Text a feature or an error can hold: what XML escapes, what it cannot hold at all (C0
 * controls, U+FFFE, a lone high surrogate), astral characters, empty text. Not lone low
 * surrogates, nor `]]>` twice in one CDATA section: there the plugin's XML is broken and
 * nettwin's is not (a test below). So step text has no `]]>`; a stack trace may have one.
 */
const text = fc.oneof(
  fc.string({ maxLength: 12 }).filter((s) => !s.includes(']]>')),
  fc.constantFrom('', ' ', 'a & b <c> "d"', '\t\n\r', '\u0001\u000b\uFFFE', '\uD83D\uDE00 ü', '\uD800x'),
  fc.string({ unit: 'grapheme', maxLength: 8 }).filter((s) => !s.includes(']]>')),
);
const stackText = fc.oneof(text, fc.constant('at x]]>y'));

const timestamp = fc.record({
  seconds: fc.integer({ min: 0, max: 4_000_000_000 }),
  nanos: fc.integer({ min: 0, max: 999_999_999 }),
});

const result = fc.record({
  status: fc.constantFrom(...STATUSES),
  message: fc.option(stackText, { nil: undefined }),
  exception: fc.option(
    fc.record({
      type: text,
      message: fc.option(text, { nil: undefined }),
      stackTrace: fc.option(stackText, { nil: undefined }),
    }),
    { nil: undefined },
  ),
});

const scenarioPlan = fc.record({
  name: text,
  steps: fc.array(fc.record({ keyword: fc.constantFrom('Given ', 'When ', '* ', ' And'), text }), {
    maxLength: 3,
  }),
  // Examples tables: name and rows; each row becomes a pickle whose name may differ.
  examples: fc.array(fc.record({ name: text, rows: fc.integer({ min: 1, max: 2 }) }), { maxLength: 2 }),
  pickleNameChanges: fc.boolean(),
});

const featurePlan = fc.record({
  uri: fc.constantFrom('features/a.feature', 'features/b.feature', 'features/B.feature', 'z.feature'),
  name: text,
  background: fc.boolean(),
  rules: fc.array(fc.record({ name: text, scenarios: fc.array(scenarioPlan, { maxLength: 2 }) }), {
    minLength: 1,
    maxLength: 2,
  }),
});

/** How each pickle ran: attempts (earlier ones retried), each step's result, times. */
const runPlan = fc.record({
  attempts: fc.array(
    fc.record({
      results: fc.array(result, { maxLength: 5 }),
      hookBefore: fc.boolean(),
      started: timestamp,
      took: fc.integer({ min: 0, max: 5000 }),
      finished: fc.boolean(),
    }),
    { maxLength: 2 },
  ),
  hasLocation: fc.boolean(),
});

/** A run's messages in the order cucumber sends them; test cases in a shuffled order. */
export const messageStream: fc.Arbitrary<Envelope[]> = fc
  .record({
    features: fc.array(featurePlan, { minLength: 1, maxLength: 3 }),
    runs: fc.array(runPlan, { minLength: 12, maxLength: 12 }),
    runStarted: fc.option(timestamp, { nil: undefined }),
    runTook: fc.integer({ min: 0, max: 100_000 }),
    order: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
    // BeforeAll and AfterAll hooks and how they ended; the run's own end.
    runHooks: fc.array(
      fc.record({
        type: fc.constantFrom('BEFORE_TEST_RUN', 'AFTER_TEST_RUN', undefined),
        name: fc.option(text, { nil: undefined }),
        line: fc.option(fc.nat(200), { nil: undefined }),
        result,
        took: fc.integer({ min: 0, max: 3000 }),
      }),
      { maxLength: 3 },
    ),
    success: fc.boolean(),
  })
  .map(({ features, runs, runStarted, runTook, order, runHooks, success }) => {
    let nextId = 0;
    const id = () => String(nextId++);
    const documents: Envelope[] = [];
    const pickles: NonNullable<Envelope['pickle']>[] = [];
    for (const feature of features) {
      const background = feature.background
        ? { id: id(), keyword: 'Background', name: '', description: '', location: { line: 2 }, steps: [] }
        : undefined;
      const children: unknown[] = background ? [{ background }] : [];
      feature.rules.forEach((rule, r) => {
        const scenarios = rule.scenarios.map((plan, s) => {
          const line = 10 * (r + 1) + s;
          const steps = plan.steps.map((step) => ({ ...step, id: id(), location: { line } }));
          const examples = plan.examples.map((table) => ({
            id: id(),
            name: table.name,
            keyword: 'Examples',
            description: '',
            tags: [],
            location: { line },
            tableBody: Array.from({ length: table.rows }, () => ({
              id: id(),
              cells: [],
              location: { line },
            })),
          }));
          const scenario = {
            id: id(),
            name: plan.name,
            keyword: 'Scenario',
            description: '',
            tags: [],
            location: { line },
            steps,
            examples,
          };
          const rows = examples.flatMap((table) => table.tableBody.map((row) => [row.id]));
          for (const ast of rows.length > 0 ? rows : [[]]) {
            const pickleSteps = steps.map((step) => ({ id: id(), text: step.text, astNodeIds: [step.id] }));
            pickles.push({
              id: id(),
              uri: feature.uri,
              name: ast.length > 0 && plan.pickleNameChanges ? `${plan.name} <x>` : plan.name,
              language: 'en',
              steps: pickleSteps,
              tags: [],
              astNodeIds: [scenario.id, ...ast],
              location: { line },
            } as unknown as NonNullable<Envelope['pickle']>);
          }
          return { scenario };
        });
        // Half the rules are real `Rule:`s, half put their scenarios straight in the feature.
        if (r % 2 === 1)
          children.push({
            rule: { id: id(), name: rule.name, keyword: 'Rule', children: scenarios, tags: [] },
          });
        else children.push(...scenarios);
      });
      documents.push({
        gherkinDocument: { uri: feature.uri, comments: [], feature: { name: feature.name, children } },
      } as unknown as Envelope);
    }
    const caseMessages: Envelope[][] = [];
    pickles.forEach((pickle, p) => {
      const plan = runs[p % runs.length];
      if (!plan) return;
      if (!plan.hasLocation) delete (pickle as { location?: unknown }).location;
      const testCaseId = id();
      const hook = { id: id(), hookId: 'h' };
      const testSteps = [hook, ...pickle.steps.map((step) => ({ id: id(), pickleStepId: step.id }))];
      const messages: Envelope[] = [
        { testCase: { id: testCaseId, pickleId: pickle.id, testSteps } } as Envelope,
      ];
      plan.attempts.forEach((attempt, a) => {
        const startedId = id();
        messages.push({
          testCaseStarted: { id: startedId, testCaseId, attempt: a, timestamp: attempt.started },
        } as Envelope);
        const steps = attempt.hookBefore ? testSteps : testSteps.slice(1);
        attempt.results.slice(0, steps.length).forEach((stepResult, s) => {
          messages.push({
            testStepFinished: {
              testCaseStartedId: startedId,
              testStepId: steps[s]?.id,
              timestamp: attempt.started,
              testStepResult: { ...stepResult, duration: { seconds: 0, nanos: 0 } },
            },
          } as Envelope);
        });
        if (attempt.finished) {
          const ms = attempt.started.seconds * 1000 + attempt.started.nanos / 1e6 + attempt.took;
          messages.push({
            testCaseFinished: {
              testCaseStartedId: startedId,
              timestamp: { seconds: Math.floor(ms / 1000), nanos: Math.floor((ms % 1000) * 1e6) },
              willBeRetried: a < plan.attempts.length - 1,
            },
          } as Envelope);
        }
      });
      caseMessages.push(messages);
    });
    // Test cases in an order of their own (as parallel workers send them).
    const shuffled = caseMessages
      .map((messages, i) => ({ messages, key: order[i % order.length] ?? 0 }))
      .sort((a, b) => a.key - b.key)
      .flatMap(({ messages }) => messages);
    const start: Envelope[] = runStarted ? [{ testRunStarted: { timestamp: runStarted } } as Envelope] : [];
    const end = (runStarted?.seconds ?? 1000) + runTook / 1000;
    const hookAt = runStarted ?? { seconds: 1000, nanos: 0 };
    const hooks = runHooks.map((plan) => ({
      hook: {
        id: id(),
        ...(plan.name === undefined ? {} : { name: plan.name }),
        ...(plan.type ? { type: plan.type } : {}),
        sourceReference: {
          uri: 'steps/hooks.ts',
          ...(plan.line === undefined ? {} : { location: { line: plan.line } }),
        },
      },
      plan,
      startedId: id(),
    }));
    const hookRun = ({ hook, plan, startedId }: (typeof hooks)[number]): Envelope[] => {
      const ms = hookAt.seconds * 1000 + hookAt.nanos / 1e6 + plan.took;
      return [
        { testRunHookStarted: { id: startedId, hookId: hook.id, testRunStartedId: 'r', timestamp: hookAt } },
        {
          testRunHookFinished: {
            testRunHookStartedId: startedId,
            result: { ...plan.result, duration: { seconds: 0, nanos: 0 } },
            timestamp: { seconds: Math.floor(ms / 1000), nanos: Math.floor((ms % 1000) * 1e6) },
          },
        },
      ] as Envelope[];
    };
    return [
      ...documents,
      ...pickles.map((pickle) => ({ pickle }) as Envelope),
      ...hooks.map(({ hook }) => ({ hook }) as Envelope),
      ...start,
      ...hooks.filter(({ plan }) => plan.type !== 'AFTER_TEST_RUN').flatMap(hookRun),
      ...shuffled,
      ...hooks.filter(({ plan }) => plan.type === 'AFTER_TEST_RUN').flatMap(hookRun),
      {
        testRunFinished: {
          success,
          timestamp: { seconds: Math.floor(end), nanos: Math.round((end % 1) * 1e9) % 1e9 },
        },
      } as Envelope,
    ];
  });
