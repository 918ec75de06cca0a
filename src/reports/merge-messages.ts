/**
 * Merges the cucumber message streams of the shards of one run (`nettwin run --shard
 * i/n`) into one stream, as if a single run had executed every slice: what the HTML and
 * JUnit formatters need to write one report.
 *
 * Every shard parses every feature, so each stream carries the source, Gherkin document
 * and pickles of all features, but test cases only for its own slice, and every id is a
 * random UUID of that shard. The merge keeps the first shard's copy of each feature and
 * renames the other shards' node, pickle and pickle step ids onto it (two parses of the
 * same text pair node by node); step definitions, hooks and parameter types are paired by
 * where they are defined. Test cases and everything that happened in them are kept from
 * the shard that ran them, their references renamed. A pickle that ran in two shards is
 * refused: the directories are then not shards of one run (a shard given twice, or runs
 * of different engines), and a report shows one result per scenario.
 *
 * Pure: no I/O. Ids of the first shard are kept, so merging one stream gives it back.
 */
import { randomUUID } from 'node:crypto';
import type {
  Envelope,
  GherkinDocument,
  Hook,
  ParameterType,
  Pickle,
  Source,
  StepDefinition,
  TestCase,
  TestRunFinished,
  TestRunStarted,
  Timestamp,
} from '@cucumber/messages';
import { pairAstNodes, renameAstNodes } from './gherkin-ids.ts';
import { describes, execution, IdSpace, ShardIds } from './shard-ids.ts';

/** One shard's stream; `name` (its file) appears in errors. */
export interface ShardMessages {
  name: string;
  envelopes: readonly Envelope[];
}

export interface MergedMessages {
  envelopes: Envelope[];
  /** Things a reader of the report should know, such as a shard that did not finish. */
  warnings: string[];
}

/** Streams that cannot be merged: named by their files, and the feature when there is one. */
export class ShardMergeError extends Error {
  override name = 'ShardMergeError';
  constructor(
    message: string,
    readonly files: readonly string[],
    readonly uri?: string,
  ) {
    super(message);
  }
}

/** A feature as the merged stream carries it: the first shard's parse, and every pickle seen. */
interface MergedFeature {
  from: string;
  source?: Source;
  document?: GherkinDocument;
  pickles: Pickle[];
  /** Pickles by the merged ids of their AST nodes: what identifies a pickle across shards. */
  byNodes: Map<string, Pickle>;
}

function later(a: Timestamp, b: Timestamp): boolean {
  return a.seconds > b.seconds || (a.seconds === b.seconds && a.nanos > b.nanos);
}

function pickleKey(astNodeIds: readonly string[]): string {
  return astNodeIds.join(' ');
}

/** Where a definition is, and what it is: two shards' copies of one definition agree on it. */
function definitionKey(envelope: Envelope): string | undefined {
  const where = (ref?: { uri?: string; location?: { line: number } }) =>
    `${ref?.uri ?? ''}:${ref?.location?.line ?? ''}`;
  const d = envelope.stepDefinition;
  if (d) return `step ${where(d.sourceReference)} ${d.pattern.type} ${d.pattern.source}`;
  const h = envelope.hook;
  if (h) return `hook ${where(h.sourceReference)} ${h.type ?? ''} ${h.name ?? ''} ${h.tagExpression ?? ''}`;
  const p = envelope.parameterType;
  if (p) return `parameter ${where(p.sourceReference)} ${p.name}`;
  return undefined;
}

class StreamMerger {
  private readonly space: IdSpace;
  private meta: Envelope | undefined;
  private readonly features = new Map<string, MergedFeature>();
  private readonly parseErrors = new Map<string, Envelope>();
  private readonly definitions: Envelope[] = [];
  private readonly definitionIds = new Map<string, string>();
  private readonly undefinedParameterTypes = new Map<string, Envelope>();
  private readonly testCases: Envelope[] = [];
  private readonly execution: Envelope[] = [];
  /** Merged pickle id → the shard that ran it. */
  private readonly ranIn = new Map<string, string>();
  /** Definition keys of the shard being added. */
  private shardKeys = new Set<string>();

  constructor(
    newId: () => string,
    private readonly runStartedId: string | undefined,
  ) {
    this.space = new IdSpace(newId);
    if (runStartedId !== undefined) this.space.claim(runStartedId);
  }

  add(shard: ShardMessages): void {
    const ids = new ShardIds(this.space);
    this.shardKeys = new Set();
    const sources = new Map<string, Source>();
    const documented = new Set<string>();
    for (const e of shard.envelopes) {
      if (e.source) sources.set(e.source.uri, e.source);
      if (e.gherkinDocument) documented.add(e.gherkinDocument.uri ?? '');
    }
    for (const e of shard.envelopes) {
      if (e.meta) this.meta ??= e;
      else if (e.source) {
        // A source without a document did not parse (a parseError follows): kept for its text.
        if (!documented.has(e.source.uri)) this.addFeature(shard.name, ids, e.source, undefined);
      } else if (e.gherkinDocument) {
        const uri = e.gherkinDocument.uri ?? '';
        this.addFeature(shard.name, ids, sources.get(uri), e.gherkinDocument);
      } else if (e.pickle) this.addPickle(shard.name, ids, e.pickle);
      else if (e.parseError) {
        const { source, message } = e.parseError;
        this.parseErrors.set(`${source.uri}:${source.location?.line}:${message}`, e);
      } else if (e.stepDefinition || e.hook || e.parameterType) this.addDefinition(ids, e);
      else if (e.undefinedParameterType) {
        const { name, expression } = e.undefinedParameterType;
        this.undefinedParameterTypes.set(`${name} ${expression}`, e);
      } else if (e.testRunStarted?.id !== undefined && this.runStartedId !== undefined) {
        ids.same(e.testRunStarted.id, this.runStartedId);
      }
    }
    // Then what ran: everything it refers to is known by now.
    for (const e of shard.envelopes) {
      if (e.testCase) this.testCases.push({ testCase: this.testCase(shard.name, ids, e.testCase) });
      else if (!e.testRunFinished && !e.testRunStarted && !describes(e))
        this.execution.push(execution(ids, e));
    }
  }

  private addFeature(
    from: string,
    ids: ShardIds,
    source: Source | undefined,
    document: GherkinDocument | undefined,
  ): void {
    const uri = document?.uri ?? source?.uri ?? '';
    const kept = this.features.get(uri);
    if (!kept) {
      const feature: MergedFeature = { from, pickles: [], byNodes: new Map() };
      if (source) feature.source = source;
      if (document) feature.document = renameAstNodes(document, (id) => ids.own(id));
      this.features.set(uri, feature);
      return;
    }
    if (source && kept.source && source.data !== kept.source.data) {
      throw new ShardMergeError(
        `${uri} differs between ${kept.from} and ${from}: the shards ran different versions of this feature; merge the reports of one checkout`,
        [kept.from, from],
        uri,
      );
    }
    if (!document) return;
    if (!kept.document) {
      kept.document = renameAstNodes(document, (id) => ids.own(id));
      return;
    }
    const paired = pairAstNodes(kept.document, document);
    if ('mismatch' in paired) {
      throw new ShardMergeError(
        `${uri} was parsed differently in ${kept.from} and ${from} (${paired.mismatch}): were they written by different cucumber versions?`,
        [kept.from, from],
        uri,
      );
    }
    for (const [id, merged] of paired.pairs) ids.same(id, merged);
  }

  private addPickle(from: string, ids: ShardIds, pickle: Pickle): void {
    const feature = this.features.get(pickle.uri);
    if (!feature) {
      throw new ShardMergeError(
        `${from} has a pickle of ${pickle.uri} before (or without) its Gherkin document: not a stream cucumber writes`,
        [from],
        pickle.uri,
      );
    }
    const astNodeIds = pickle.astNodeIds.map((id) => ids.ref(id));
    const key = pickleKey(astNodeIds);
    const kept = feature.byNodes.get(key);
    if (kept && kept.steps.length === pickle.steps.length) {
      ids.same(pickle.id, kept.id);
      for (const [i, step] of pickle.steps.entries()) ids.same(step.id, (kept.steps[i] as { id: string }).id);
      return;
    }
    if (kept) {
      throw new ShardMergeError(
        `${pickle.uri}:${pickle.location?.line ?? '?'} ("${pickle.name}") has ${kept.steps.length} steps in ${feature.from} and ${pickle.steps.length} in ${from}: were they written by different cucumber versions?`,
        [feature.from, from],
        pickle.uri,
      );
    }
    // A pickle the kept copy lacks (the shards filtered differently): the merged stream gains it.
    const merged: Pickle = {
      ...pickle,
      id: ids.own(pickle.id),
      astNodeIds,
      tags: pickle.tags.map((t) => ({ ...t, astNodeId: ids.ref(t.astNodeId) })),
      steps: pickle.steps.map((s) => ({
        ...s,
        id: ids.own(s.id),
        astNodeIds: s.astNodeIds.map((id) => ids.ref(id)),
      })),
    };
    feature.pickles.push(merged);
    feature.byNodes.set(key, merged);
  }

  private addDefinition(ids: ShardIds, envelope: Envelope): void {
    const definition = (envelope.stepDefinition ?? envelope.hook ?? envelope.parameterType) as
      | StepDefinition
      | Hook
      | ParameterType;
    // The n-th definition at one place: a helper may define several from one line.
    const base = definitionKey(envelope) as string;
    let n = 0;
    while (this.shardKeys.has(`${base} #${n}`)) n++;
    const key = `${base} #${n}`;
    this.shardKeys.add(key);
    const known = this.definitionIds.get(key);
    if (known !== undefined) {
      ids.same(definition.id, known);
      return;
    }
    const id = ids.own(definition.id);
    this.definitionIds.set(key, id);
    if (envelope.stepDefinition)
      this.definitions.push({ stepDefinition: { ...envelope.stepDefinition, id } });
    else if (envelope.hook) this.definitions.push({ hook: { ...envelope.hook, id } });
    else if (envelope.parameterType)
      this.definitions.push({ parameterType: { ...envelope.parameterType, id } });
  }

  private testCase(from: string, ids: ShardIds, testCase: TestCase): TestCase {
    const pickleId = ids.ref(testCase.pickleId);
    const earlier = this.ranIn.get(pickleId);
    if (earlier !== undefined) {
      const pickle = this.findPickle(pickleId);
      const where = pickle ? `${pickle.uri}:${pickle.location?.line ?? '?'} ("${pickle.name}")` : pickleId;
      throw new ShardMergeError(
        `${where} ran in both ${earlier} and ${from}: these are not shards of one run (a shard given twice, or runs of different engines?); merge the shards of one run at a time`,
        [earlier, from],
        pickle?.uri,
      );
    }
    this.ranIn.set(pickleId, from);
    const merged: TestCase = {
      ...testCase,
      id: ids.own(testCase.id),
      pickleId,
      testSteps: testCase.testSteps.map((step) => {
        const out = { ...step, id: ids.own(step.id) };
        if (step.hookId !== undefined) out.hookId = ids.ref(step.hookId);
        if (step.pickleStepId !== undefined) out.pickleStepId = ids.ref(step.pickleStepId);
        if (step.stepDefinitionIds) out.stepDefinitionIds = step.stepDefinitionIds.map((id) => ids.ref(id));
        return out;
      }),
    };
    if (testCase.testRunStartedId !== undefined) merged.testRunStartedId = ids.ref(testCase.testRunStartedId);
    return merged;
  }

  private findPickle(id: string): Pickle | undefined {
    for (const feature of this.features.values()) {
      const pickle = feature.pickles.find((p) => p.id === id);
      if (pickle) return pickle;
    }
    return undefined;
  }

  envelopes(runStarted: TestRunStarted | undefined, runFinished: TestRunFinished): Envelope[] {
    const out: Envelope[] = [];
    if (this.meta) out.push(this.meta);
    for (const feature of this.features.values()) {
      if (feature.source) out.push({ source: feature.source });
      if (feature.document) out.push({ gherkinDocument: feature.document });
      for (const pickle of feature.pickles) out.push({ pickle });
    }
    out.push(...this.parseErrors.values(), ...this.definitions, ...this.undefinedParameterTypes.values());
    if (runStarted) out.push({ testRunStarted: runStarted });
    out.push(...this.testCases, ...this.execution, { testRunFinished: runFinished });
    return out;
  }
}

/**
 * The shards' streams as one: each feature once, each scenario's result from the shard
 * that ran it, one testRunStarted (the earliest) and one testRunFinished (the latest,
 * successful only if every shard's run was). `newId` makes an id when two shards used
 * the same one for different things.
 */
export function mergeMessages(
  shards: readonly ShardMessages[],
  newId: () => string = randomUUID,
): MergedMessages {
  if (shards.length === 0) throw new ShardMergeError('no shard to merge', []);
  const warnings: string[] = [];
  let runStarted: TestRunStarted | undefined;
  let runFinished: TestRunFinished | undefined;
  let firstFailure: TestRunFinished | undefined;
  let success = true;
  for (const shard of shards) {
    const started = shard.envelopes.find((e) => e.testRunStarted)?.testRunStarted;
    const finished = shard.envelopes.find((e) => e.testRunFinished)?.testRunFinished;
    if (started && (!runStarted || later(runStarted.timestamp, started.timestamp))) runStarted = started;
    if (!finished) {
      success = false;
      warnings.push(
        `${shard.name} has no testRunFinished: that run did not finish, some scenarios may be missing`,
      );
      continue;
    }
    if (!runFinished || later(finished.timestamp, runFinished.timestamp)) runFinished = finished;
    if (!finished.success) {
      success = false;
      firstFailure ??= finished;
    }
  }
  const runStartedId =
    runStarted?.id ??
    shards.flatMap((s) => s.envelopes).find((e) => e.testRunStarted?.id)?.testRunStarted?.id;
  const merger = new StreamMerger(newId, runStartedId);
  for (const shard of shards) merger.add(shard);

  const finished: TestRunFinished = {
    ...(runFinished ?? {
      timestamp: runStarted?.timestamp ?? { seconds: 0, nanos: 0 },
      message: 'no shard finished its run',
    }),
    success,
  };
  if (runStartedId !== undefined) finished.testRunStartedId = runStartedId;
  if (!success && firstFailure && finished.message === undefined && finished.exception === undefined) {
    if (firstFailure.message !== undefined) finished.message = firstFailure.message;
    if (firstFailure.exception !== undefined) finished.exception = firstFailure.exception;
  }
  const started = runStarted && runStartedId !== undefined ? { ...runStarted, id: runStartedId } : runStarted;
  return { envelopes: merger.envelopes(started, finished), warnings };
}
