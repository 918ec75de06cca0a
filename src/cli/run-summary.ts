/**
 * Counts what a cucumber run did from its message stream: scenarios by outcome, the
 * undefined steps (file:line and text), the known step patterns, and the first failure
 * message of each failed scenario. Pure: fed one envelope at a time.
 */
import type { Envelope } from '@cucumber/messages';
import { runsOnDockerVersion, versionTags } from '../../steps/lib/version-tags.ts';
import type { StepPattern } from './closest-steps.ts';

export type ScenarioOutcome = 'passed' | 'failed' | 'skipped';

export interface UndefinedStep {
  uri: string;
  line: number;
  text: string;
}

export interface ScenarioResult {
  name: string;
  uri: string;
  line: number;
  outcome: ScenarioOutcome;
  /** First line of the first error, for failed scenarios. */
  message?: string;
  /** Wall-clock seconds from start to finish. */
  seconds?: number;
  /** Why a skipped scenario did not run (its version tags, or the step that skipped it). */
  reason?: string;
}

type Timestamp = { seconds: number; nanos: number };
const toSeconds = (t: Timestamp) => t.seconds + t.nanos / 1e9;

export interface CollectorOptions {
  /** The run's Docker version, to say why a version-tagged scenario was skipped. */
  dockerVersion?: string;
  /** Called as each scenario finishes (not for an attempt that will be retried). */
  onScenario?: (result: ScenarioResult) => void;
}

export interface RunSummary {
  scenarios: ScenarioResult[];
  undefinedSteps: UndefinedStep[];
  patterns: StepPattern[];
  /** Errors outside any scenario: a failed BeforeAll/AfterAll hook, a run that did not finish. */
  runErrors: string[];
}

// Worst first: a scenario takes the worst status of its steps.
const SEVERITY = ['FAILED', 'AMBIGUOUS', 'UNDEFINED', 'PENDING', 'UNKNOWN', 'SKIPPED', 'PASSED'];

export class RunSummaryCollector {
  private readonly stepLines = new Map<string, { line: number; keyword: string }>();
  private readonly scenarioLines = new Map<string, number>();
  private readonly pickles = new Map<
    string,
    {
      name: string;
      uri: string;
      astNodeIds: readonly string[];
      tags: readonly string[];
      steps: Map<string, { text: string; astNodeIds: readonly string[] }>;
    }
  >();
  private readonly testCases = new Map<
    string,
    { pickleId: string; undefinedPickleSteps: string[]; pickleStepOf: Map<string, string> }
  >();
  private readonly started = new Map<
    string,
    { testCaseId: string; worst: string; message?: string; start: number; skippedStep?: string }
  >();
  private readonly finished: ScenarioResult[] = [];
  private readonly undefinedSeen = new Set<string>();
  private readonly undefinedSteps: UndefinedStep[] = [];
  private readonly patterns: StepPattern[] = [];
  private readonly runErrors: string[] = [];

  constructor(private readonly options: CollectorOptions = {}) {}

  add(envelope: Envelope): void {
    if (envelope.gherkinDocument) this.indexDocument(envelope.gherkinDocument);
    if (envelope.pickle) {
      const p = envelope.pickle;
      const steps = new Map(p.steps.map((s) => [s.id, { text: s.text, astNodeIds: s.astNodeIds }]));
      const tags = p.tags.map((t) => t.name);
      this.pickles.set(p.id, { name: p.name, uri: p.uri, astNodeIds: p.astNodeIds, tags, steps });
    }
    if (envelope.stepDefinition) {
      const { source, type } = envelope.stepDefinition.pattern;
      this.patterns.push({ source, type: type as StepPattern['type'] });
    }
    if (envelope.testCase) {
      const tc = envelope.testCase;
      const undefinedPickleSteps = tc.testSteps
        .filter((s) => s.pickleStepId && (s.stepDefinitionIds ?? []).length === 0)
        .map((s) => s.pickleStepId as string);
      const pickleStepOf = new Map(
        tc.testSteps.filter((s) => s.pickleStepId).map((s) => [s.id, s.pickleStepId as string]),
      );
      this.testCases.set(tc.id, { pickleId: tc.pickleId, undefinedPickleSteps, pickleStepOf });
    }
    if (envelope.testCaseStarted) {
      const s = envelope.testCaseStarted;
      this.started.set(s.id, { testCaseId: s.testCaseId, worst: 'PASSED', start: toSeconds(s.timestamp) });
    }
    if (envelope.testStepFinished) {
      const f = envelope.testStepFinished;
      const run = this.started.get(f.testCaseStartedId);
      if (run) {
        const status = f.testStepResult.status;
        if (SEVERITY.indexOf(status) < SEVERITY.indexOf(run.worst)) run.worst = status;
        const message = f.testStepResult.exception?.message ?? f.testStepResult.message;
        if (message && run.message === undefined && status === 'FAILED') run.message = message.split('\n')[0];
        if (status === 'SKIPPED' && run.skippedStep === undefined) run.skippedStep = f.testStepId;
      }
    }
    if (envelope.parseError) {
      // A feature cucumber could not read: its scenarios never ran, so name the file.
      const { source, message } = envelope.parseError;
      const first = message.split('\n')[0] ?? message;
      const at = /^\((\d+):(\d+)\): (.*)$/.exec(first);
      const where = `${source.uri ?? 'a feature file'}${at ? `:${at[1]}:${at[2]}` : ''}`;
      this.runErrors.push(
        `${where}: ${at ? at[3] : first} (fix the Gherkin there; none of its scenarios ran)`,
      );
    }
    const hookResult = envelope.testRunHookFinished?.result;
    if (hookResult && hookResult.status !== 'PASSED') {
      const message = hookResult.exception?.message ?? hookResult.message ?? hookResult.status;
      this.runErrors.push(message.split('\n')[0] ?? message);
    }
    const finished = envelope.testRunFinished;
    if (finished && !finished.success && (finished.exception?.message ?? finished.message)) {
      this.runErrors.push(
        ((finished.exception?.message ?? finished.message) as string).split('\n')[0] as string,
      );
    }
    if (envelope.testCaseFinished) {
      const f = envelope.testCaseFinished;
      this.finishCase(f.testCaseStartedId, f.willBeRetried, toSeconds(f.timestamp));
    }
  }

  summary(): RunSummary {
    return {
      scenarios: [...this.finished],
      undefinedSteps: [...this.undefinedSteps],
      patterns: [...this.patterns],
      runErrors: [...new Set(this.runErrors)],
    };
  }

  private indexDocument(document: NonNullable<Envelope['gherkinDocument']>): void {
    type Child = {
      background?: { steps: readonly { id: string; keyword: string; location: { line: number } }[] };
      scenario?: {
        id: string;
        location: { line: number };
        steps: readonly { id: string; keyword: string; location: { line: number } }[];
        examples: readonly { tableBody: readonly { id: string; location: { line: number } }[] }[];
      };
      rule?: { children: readonly Child[] };
    };
    const visit = (children: readonly Child[]) => {
      for (const child of children) {
        for (const s of child.background?.steps ?? [])
          this.stepLines.set(s.id, { line: s.location.line, keyword: s.keyword });
        if (child.scenario) {
          this.scenarioLines.set(child.scenario.id, child.scenario.location.line);
          for (const s of child.scenario.steps)
            this.stepLines.set(s.id, { line: s.location.line, keyword: s.keyword });
          for (const ex of child.scenario.examples)
            for (const row of ex.tableBody) this.scenarioLines.set(row.id, row.location.line);
        }
        if (child.rule) visit(child.rule.children);
      }
    };
    visit((document.feature?.children ?? []) as readonly Child[]);
  }

  /** Why a skipped scenario did not run: its version tags, else the step that skipped it. */
  private skipReason(
    pickle: { tags: readonly string[]; steps: Map<string, { text: string }> },
    pickleStepId: string | undefined,
  ): string {
    const version = this.options.dockerVersion;
    if (version && !runsOnDockerVersion(pickle.tags, version))
      return `tagged ${versionTags(pickle.tags).join(' ')}, run is Docker ${version}`;
    const step = pickleStepId === undefined ? undefined : pickle.steps.get(pickleStepId);
    return step ? `step "${step.text}" skipped it` : 'a hook skipped it';
  }

  private finishCase(startedId: string, willBeRetried: boolean, end: number): void {
    const run = this.started.get(startedId);
    const testCase = run && this.testCases.get(run.testCaseId);
    const pickle = testCase && this.pickles.get(testCase.pickleId);
    if (!run || !testCase || !pickle || willBeRetried) return;
    const line = this.scenarioLines.get(pickle.astNodeIds[pickle.astNodeIds.length - 1] ?? '') ?? 0;
    const outcome: ScenarioOutcome =
      run.worst === 'PASSED' ? 'passed' : run.worst === 'SKIPPED' ? 'skipped' : 'failed';
    const result: ScenarioResult = { name: pickle.name, uri: pickle.uri, line, outcome };
    if (run.message !== undefined) result.message = run.message;
    else if (run.worst === 'UNDEFINED') result.message = 'a step is undefined';
    else if (run.worst === 'AMBIGUOUS') result.message = 'a step matches more than one definition';
    result.seconds = Math.max(0, end - run.start);
    if (outcome === 'skipped') {
      const skipped = run.skippedStep === undefined ? undefined : testCase.pickleStepOf.get(run.skippedStep);
      result.reason = this.skipReason(pickle, skipped);
    }
    this.finished.push(result);
    this.options.onScenario?.(result);
    for (const pickleStepId of testCase.undefinedPickleSteps) {
      const step = pickle.steps.get(pickleStepId);
      const ast = step?.astNodeIds.map((id) => this.stepLines.get(id)).find((x) => x !== undefined);
      const entry = {
        uri: pickle.uri,
        line: ast?.line ?? 0,
        text: `${ast?.keyword.trim() ?? ''} ${step?.text ?? ''}`.trim(),
      };
      const key = `${entry.uri}:${entry.line}`;
      if (!this.undefinedSeen.has(key)) {
        this.undefinedSeen.add(key);
        this.undefinedSteps.push(entry);
      }
    }
  }
}

/** Scenario counts by outcome. */
export function countOutcomes(scenarios: readonly ScenarioResult[]): Record<ScenarioOutcome, number> {
  const counts: Record<ScenarioOutcome, number> = { passed: 0, failed: 0, skipped: 0 };
  for (const s of scenarios) counts[s.outcome]++;
  return counts;
}

/**
 * Failure messages shared by several scenarios, most common first: when every scenario
 * fails for one reason (no Docker engine, a missing backend), say it once.
 */
export function commonFailures(
  scenarios: readonly ScenarioResult[],
  minimum = 2,
): { message: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const s of scenarios)
    if (s.outcome === 'failed' && s.message) counts.set(s.message, (counts.get(s.message) ?? 0) + 1);
  return [...counts.entries()]
    .filter(([, count]) => count >= minimum)
    .map(([message, count]) => ({ message, count }))
    .sort((a, b) => b.count - a.count);
}
