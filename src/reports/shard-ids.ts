/**
 * The ids of one shard's stream in the merged stream (src/reports/merge-messages.ts):
 * every shard names its entities with random UUIDs of its own, so the merge keeps a
 * shard's id where no other shard used it, maps it onto the first shard's entity when
 * both describe the same thing, and renames every reference in what ran.
 *
 * Pure: no I/O.
 */
import type { Envelope } from '@cucumber/messages';

/** The merged stream's ids: a shard's own id when no other shard used it, else a fresh one. */
export class IdSpace {
  private readonly taken = new Set<string>();
  constructor(private readonly newId: () => string) {}

  claim(id: string): string {
    let merged = id;
    while (this.taken.has(merged)) merged = this.newId();
    this.taken.add(merged);
    return merged;
  }
}

/** One shard's id → merged id. An id the shard never defined is left as it is. */
export class ShardIds {
  private readonly ids = new Map<string, string>();
  constructor(private readonly space: IdSpace) {}

  /** An entity of this shard that the merged stream carries as its own. */
  own(id: string): string {
    const merged = this.space.claim(id);
    this.ids.set(id, merged);
    return merged;
  }

  /** An entity of this shard that is the same as one already in the merged stream. */
  same(id: string, merged: string): void {
    this.ids.set(id, merged);
  }

  ref(id: string): string {
    return this.ids.get(id) ?? id;
  }
}

/** Envelopes that describe the run (features, definitions): merged once, not copied per shard. */
export function describes(e: Envelope): boolean {
  return Boolean(
    e.meta ||
      e.source ||
      e.gherkinDocument ||
      e.pickle ||
      e.parseError ||
      e.stepDefinition ||
      e.hook ||
      e.parameterType ||
      e.undefinedParameterType,
  );
}

/** An envelope of what ran, its ids renamed; ids it defines become the merged stream's own. */
export function execution(ids: ShardIds, e: Envelope): Envelope {
  if (e.testCaseStarted) {
    const s = e.testCaseStarted;
    return { testCaseStarted: { ...s, id: ids.own(s.id), testCaseId: ids.ref(s.testCaseId) } };
  }
  if (e.testStepStarted) {
    const s = e.testStepStarted;
    return {
      testStepStarted: {
        ...s,
        testCaseStartedId: ids.ref(s.testCaseStartedId),
        testStepId: ids.ref(s.testStepId),
      },
    };
  }
  if (e.testStepFinished) {
    const s = e.testStepFinished;
    return {
      testStepFinished: {
        ...s,
        testCaseStartedId: ids.ref(s.testCaseStartedId),
        testStepId: ids.ref(s.testStepId),
      },
    };
  }
  if (e.testCaseFinished) {
    const s = e.testCaseFinished;
    return { testCaseFinished: { ...s, testCaseStartedId: ids.ref(s.testCaseStartedId) } };
  }
  if (e.testRunHookStarted) {
    const s = e.testRunHookStarted;
    return {
      testRunHookStarted: {
        ...s,
        id: ids.own(s.id),
        testRunStartedId: ids.ref(s.testRunStartedId),
        hookId: ids.ref(s.hookId),
      },
    };
  }
  if (e.testRunHookFinished) {
    const s = e.testRunHookFinished;
    return { testRunHookFinished: { ...s, testRunHookStartedId: ids.ref(s.testRunHookStartedId) } };
  }
  if (e.attachment || e.externalAttachment) {
    const a = { ...(e.attachment ?? e.externalAttachment) } as Record<string, unknown>;
    for (const field of ['testCaseStartedId', 'testStepId', 'testRunStartedId', 'testRunHookStartedId']) {
      if (typeof a[field] === 'string') a[field] = ids.ref(a[field]);
    }
    return e.attachment ? { attachment: a as never } : { externalAttachment: a as never };
  }
  if (e.suggestion) {
    const s = e.suggestion;
    return { suggestion: { ...s, id: ids.own(s.id), pickleStepId: ids.ref(s.pickleStepId) } };
  }
  // A message this version does not know: kept as written.
  return e;
}
