/**
 * reports/junit.xml from a run's messages: one <testcase> per scenario run (its last
 * attempt), its most severe step result as <failure> or <skipped>, its steps' statuses as
 * <system-out>. The same document, byte for byte, as cucumber's JUnit plugin
 * (@cucumber/junit-xml-formatter 0.13, suite name given, default naming) writes: CI systems
 * and users read that format, and junit-report.test.ts holds the two to each other on
 * generated message streams, as the package test does on a real run. One addition: the
 * run's own errors (a failed BeforeAll/AfterAll hook), which the plugin leaves out.
 *
 * Why not the plugin: for one XML file per run it loaded and ran ~230 KB of code cold
 * (@cucumber/query, xmlbuilder, lodash.sortby, luxon) — about 20 ms, half of what writing
 * the reports cost a run (issue 23).
 */
import type {
  Envelope,
  Examples,
  Exception,
  Feature,
  GherkinDocument,
  Hook,
  Pickle,
  Rule,
  Scenario,
  Step,
  TestCaseStarted,
  TestRunFinished,
  TestStep,
  TestStepFinished,
  TestStepResult,
  TestStepResultStatus,
  Timestamp,
} from '@cucumber/messages';
import { type XmlElement, xmlDocument } from './junit-xml.ts';
import { RunHooks, runHookKind } from './run-hooks.ts';

/** Where a scenario, an Examples table or one of its rows sits in its feature file. */
interface Place {
  feature: Feature;
  rule?: Rule;
  scenario: Scenario;
  examples?: Examples;
  examplesIndex?: number;
  exampleIndex?: number;
}

/** Step results from least to most severe: a test case reports its most severe one. */
const SEVERITY: readonly TestStepResultStatus[] = [
  'UNKNOWN',
  'PASSED',
  'SKIPPED',
  'PENDING',
  'UNDEFINED',
  'AMBIGUOUS',
  'FAILED',
] as TestStepResultStatus[];

/** Milliseconds of a protobuf timestamp or duration, computed as @cucumber/messages does. */
function millis(time: Timestamp): number {
  return Number(time.seconds) * 1000 + time.nanos / 1e6;
}

/**
 * Seconds between two timestamps, as the plugin prints them: the difference goes through
 * a whole-seconds-and-nanoseconds duration (the floors are part of the figure printed).
 */
function secondsBetween(start: Timestamp, end: Timestamp): number {
  const ms = millis(end) - millis(start);
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.floor((ms % 1000) * 1e6);
  return (seconds * 1000 + nanos / 1e6) / 1000;
}

/** ISO 8601 in UTC, whole seconds unless there are milliseconds; nothing for a bad time. */
function isoTimestamp(time: Timestamp): string | undefined {
  const date = new Date(millis(time));
  if (Number.isNaN(date.getTime())) return undefined;
  return date.toISOString().replace(/\.000Z$/, 'Z');
}

/** A step's line in <system-out>: keyword and text, dots to column 76, the status. */
function stepLine(step: Step, text: string, status: TestStepResultStatus): string {
  const words = `${step.keyword.trim()} ${text.trim()}.`;
  return `${words.padEnd(Math.max(76, words.length + 1), '.')}${status.toLowerCase()}`;
}

function found<T>(value: T | undefined, what: string): T {
  if (!value) throw new Error(`junit.xml: the run's messages have no ${what}`);
  return value;
}

/** The messages the report needs, indexed as they arrive. */
class RunIndex {
  readonly places = new Map<string, Place>();
  readonly steps = new Map<string, Step>();
  readonly pickles = new Map<string, Pickle>();
  readonly pickleSteps = new Map<string, Pickle['steps'][number]>();
  readonly testCases = new Map<string, { pickleId: string }>();
  readonly testSteps = new Map<string, TestStep>();
  readonly started = new Map<string, TestCaseStarted>();
  readonly willBeRetried = new Set<string>();
  readonly stepsFinished = new Map<string, TestStepFinished[]>();
  runStarted?: Timestamp;
  readonly finishedAt = new Map<string, Timestamp>();
  readonly runHooks = new RunHooks();

  add(envelope: Envelope): void {
    if (envelope.gherkinDocument) this.addDocument(envelope.gherkinDocument);
    if (envelope.pickle) {
      this.pickles.set(envelope.pickle.id, envelope.pickle);
      for (const step of envelope.pickle.steps) this.pickleSteps.set(step.id, step);
    }
    if (envelope.testRunStarted) this.runStarted = envelope.testRunStarted.timestamp;
    this.runHooks.add(envelope);
    if (envelope.testCase) {
      this.testCases.set(envelope.testCase.id, envelope.testCase);
      for (const step of envelope.testCase.testSteps) this.testSteps.set(step.id, step);
    }
    if (envelope.testCaseStarted) this.started.set(envelope.testCaseStarted.id, envelope.testCaseStarted);
    const stepFinished = envelope.testStepFinished;
    if (stepFinished) {
      const list = this.stepsFinished.get(stepFinished.testCaseStartedId);
      if (list) list.push(stepFinished);
      else this.stepsFinished.set(stepFinished.testCaseStartedId, [stepFinished]);
    }
    const caseFinished = envelope.testCaseFinished;
    if (caseFinished) {
      this.finishedAt.set(caseFinished.testCaseStartedId, caseFinished.timestamp);
      if (caseFinished.willBeRetried) this.willBeRetried.add(caseFinished.testCaseStartedId);
      else this.willBeRetried.delete(caseFinished.testCaseStartedId);
    }
  }

  private addDocument(document: GherkinDocument): void {
    const feature = document.feature;
    if (!feature) return;
    const addScenario = (scenario: Scenario, rule?: Rule) => {
      this.places.set(scenario.id, { feature, rule, scenario });
      scenario.examples.forEach((examples, examplesIndex) => {
        this.places.set(examples.id, { feature, rule, scenario, examples, examplesIndex });
        examples.tableBody.forEach((row, exampleIndex) => {
          this.places.set(row.id, { feature, rule, scenario, examples, examplesIndex, exampleIndex });
        });
      });
      for (const step of scenario.steps) this.steps.set(step.id, step);
    };
    for (const child of feature.children) {
      for (const step of child.background?.steps ?? []) this.steps.set(step.id, step);
      if (child.scenario) addScenario(child.scenario);
      for (const ruleChild of child.rule?.children ?? []) {
        for (const step of ruleChild.background?.steps ?? []) this.steps.set(step.id, step);
        if (ruleChild.scenario) addScenario(ruleChild.scenario, child.rule);
      }
    }
  }

  /** The scenario, or Examples row, a pickle was made from (its last AST node). */
  placeOf(pickle: Pickle): Place {
    return found(this.places.get(pickle.astNodeIds.at(-1) ?? ''), `scenario for pickle ${pickle.id}`);
  }

  pickleStepOf(testStep: TestStep): Pickle['steps'][number] {
    const id = testStep.pickleStepId ?? '';
    return found(this.pickleSteps.get(id), `pickle step ${id}`);
  }

  stepOf(pickleStep: Pickle['steps'][number]): Step {
    const id = pickleStep.astNodeIds[0] ?? '';
    return found(this.steps.get(id), `Gherkin step ${id} of pickle step ${pickleStep.id}`);
  }

  pickleOf(started: TestCaseStarted): Pickle {
    const testCase = found(this.testCases.get(started.testCaseId), `test case ${started.testCaseId}`);
    return found(this.pickles.get(testCase.pickleId), `pickle ${testCase.pickleId}`);
  }

  /** The results of a test case's steps (hooks included), in the order they finished. */
  results(started: TestCaseStarted): { result: TestStepResult; testStep: TestStep }[] {
    return (this.stepsFinished.get(started.id) ?? []).map((finished) => ({
      result: finished.testStepResult,
      testStep: found(this.testSteps.get(finished.testStepId), `test step ${finished.testStepId}`),
    }));
  }
}

/** The most severe result; of equally severe ones, the last to finish. */
function mostSevere(results: readonly { result: TestStepResult }[]): TestStepResult | undefined {
  let worst: TestStepResult | undefined;
  for (const { result } of results) {
    if (!worst || SEVERITY.indexOf(result.status) >= SEVERITY.indexOf(worst.status)) worst = result;
  }
  return worst;
}

/**
 * A test case's name: its rule, its scenario (or the pickle's name), its Examples' name,
 * and for an example row `#table.row`, followed by the pickle's name when the outline's
 * parameters changed it — the parts that are not empty, joined by " - ".
 */
function testCaseName(place: Place, pickle: Pickle): string {
  const parts = [place.rule?.name, place.scenario.name || pickle.name, place.examples?.name];
  if (place.exampleIndex !== undefined) {
    const number = `#${(place.examplesIndex ?? 0) + 1}.${place.exampleIndex + 1}`;
    parts.push(place.scenario.name === pickle.name ? number : `${number}: ${pickle.name}`);
  }
  return parts.filter(Boolean).join(' - ');
}

/**
 * Scenarios in file order (uri, then line); runs of one scenario, and of files the locale
 * sorts as one, in the order they started.
 */
function byFileThenStart(
  a: { started: TestCaseStarted; pickle: Pickle },
  b: { started: TestCaseStarted; pickle: Pickle },
): number {
  if (a.pickle.uri !== b.pickle.uri) {
    const byUri = a.pickle.uri.localeCompare(b.pickle.uri);
    if (byUri !== 0) return byUri;
  } else {
    const [at, bt] = [a.pickle.location, b.pickle.location];
    // A pickle without a location sorts first.
    const byLine = at && bt ? at.line - bt.line : Number(Boolean(at)) - Number(Boolean(bt));
    if (byLine !== 0) return byLine;
  }
  const byTime = millis(a.started.timestamp) - millis(b.started.timestamp);
  if (byTime !== 0) return byTime;
  return a.started.id < b.started.id ? -1 : a.started.id > b.started.id ? 1 : 0;
}

/** A scenario run, its steps' results (hooks included) and the most severe of them. */
interface CaseRun {
  started: TestCaseStarted;
  pickle: Pickle;
  results: { result: TestStepResult; testStep: TestStep }[];
  worst: TestStepResult | undefined;
}

function testCaseElement(index: RunIndex, { started, pickle, results, worst }: CaseRun): XmlElement {
  const place = index.placeOf(pickle);
  const children: XmlElement[] = [];
  if (worst && worst.status !== 'PASSED') {
    const kind = worst.status === 'SKIPPED' ? 'skipped' : 'failure';
    const attributes: [string, string][] = [];
    if (kind === 'failure' && worst.exception?.type) attributes.push(['type', worst.exception.type]);
    if (kind === 'failure' && worst.exception?.message) attributes.push(['message', worst.exception.message]);
    const stack = worst.exception?.stackTrace ?? worst.message;
    children.push({ name: kind, attributes, cdata: stack || undefined });
  }
  const output = results
    .filter(({ testStep }) => testStep.pickleStepId)
    .map(({ result, testStep }) => {
      const pickleStep = index.pickleStepOf(testStep);
      return stepLine(index.stepOf(pickleStep), pickleStep.text, result.status);
    })
    .join('\n');
  if (output) children.push({ name: 'system-out', attributes: [], cdata: output });
  const finishedAt = index.finishedAt.get(started.id);
  return {
    name: 'testcase',
    attributes: [
      ['classname', place.feature.name],
      ['name', testCaseName(place, pickle)],
      ['time', finishedAt ? secondsBetween(started.timestamp, finishedAt) : 0],
    ],
    children,
  };
}

/** A hook's name for a reader: its own name if it has one, and where it is defined. */
function hookName(hook: Hook | undefined): string {
  const source = hook?.sourceReference;
  const where = source?.uri ? `${source.uri}${source.location ? `:${source.location.line}` : ''}` : '';
  if (hook?.name) return where ? `${hook.name} (${where})` : hook.name;
  return where || 'an unknown hook';
}

/** An <error>: its type and message as attributes, the stack (or the message) as CDATA. */
function errorElement(exception: Exception | undefined, message: string | undefined): XmlElement {
  const attributes: [string, string][] = [];
  if (exception?.type) attributes.push(['type', exception.type]);
  // A bare message is cucumber's whole text (stack included): its first line says what failed.
  const text = exception?.message ?? message?.split('\n')[0];
  if (text) attributes.push(['message', text]);
  const stack = exception?.stackTrace ?? message;
  return { name: 'error', attributes, cdata: stack || undefined };
}

/**
 * The run's own errors, which the plugin leaves out (its document says `errors="0"` and, for
 * a run a BeforeAll hook stopped, no test at all: an empty green suite to a JUnit reader):
 * each BeforeAll/AfterAll hook that did not pass as a <testcase> holding an <error>; a run
 * that ended with an exception and no such hook, as one more. JUnit's `errors` counts them.
 */
function runErrorElements(index: RunIndex, suiteName: string, runFinished: TestRunFinished): XmlElement[] {
  const errorCase = (name: string, time: number, error: XmlElement): XmlElement => ({
    name: 'testcase',
    attributes: [
      ['classname', suiteName],
      ['name', name],
      ['time', time],
    ],
    children: [error],
  });
  const elements: XmlElement[] = [];
  for (const { hook, started, finished } of index.runHooks.failed()) {
    elements.push(
      errorCase(
        `${runHookKind(hook)} ${hookName(hook)}`,
        started ? secondsBetween(started.timestamp, finished.timestamp) : 0,
        errorElement(finished.result.exception, finished.result.message),
      ),
    );
  }
  if (elements.length === 0 && (runFinished.exception || (!runFinished.success && runFinished.message))) {
    elements.push(
      errorCase(
        'the test run',
        index.runStarted ? secondsBetween(index.runStarted, runFinished.timestamp) : 0,
        errorElement(runFinished.exception, runFinished.message),
      ),
    );
  }
  return elements;
}

/** The report of a finished run. */
function junitDocument(index: RunIndex, suiteName: string, runFinished: TestRunFinished): string {
  const runs = [...index.started.values()]
    .filter((started) => !index.willBeRetried.has(started.id))
    .map((started): CaseRun => {
      const results = index.results(started);
      return { started, pickle: index.pickleOf(started), results, worst: mostSevere(results) };
    })
    .sort(byFileThenStart);
  let skipped = 0;
  let failures = 0;
  for (const { worst } of runs) {
    const status = worst?.status;
    if (status === 'SKIPPED') skipped++;
    else if (status !== undefined && status !== 'PASSED') failures++;
  }
  const errors = runErrorElements(index, suiteName, runFinished);
  const attributes: [string, string | number][] = [
    ['name', suiteName],
    ['time', index.runStarted ? secondsBetween(index.runStarted, runFinished.timestamp) : 0],
    ['tests', runs.length + errors.length],
    ['skipped', skipped],
    ['failures', failures],
    ['errors', errors.length],
  ];
  const timestamp = index.runStarted && isoTimestamp(index.runStarted);
  if (timestamp) attributes.push(['timestamp', timestamp]);
  const children = [...runs.map((run) => testCaseElement(index, run)), ...errors];
  return xmlDocument({ name: 'testsuite', attributes, children });
}

/**
 * A JUnit report fed a run's messages one by one: `message` returns the document when the
 * run's testRunFinished arrives (then, as the plugin, once per testRunFinished).
 */
export function junitReport(suiteName?: string): { message(envelope: Envelope): string | undefined } {
  const index = new RunIndex();
  return {
    message(envelope) {
      index.add(envelope);
      const finished = envelope.testRunFinished;
      return finished ? junitDocument(index, suiteName || 'Cucumber', finished) : undefined;
    },
  };
}
