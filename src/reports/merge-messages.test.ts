import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Envelope, Timestamp } from '@cucumber/messages';
import { mergeMessages, ShardMergeError, type ShardMessages } from './merge-messages.ts';
import {
  EXPECTED,
  FEATURES,
  idProblems,
  runShard,
  type ShardRun,
  scenarioResults,
} from './shard-runs.test-helper.ts';
import { junitXml } from './write-reports.ts';

// Real streams: cucumber runs FEATURES whole, as 2 shards and as 3, each in a checkout of
// its own (ids differ between them as between CI machines).
let root: string;
let full: ShardRun;
let halves: ShardRun[];
let thirds: ShardRun[];

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'nettwin-merge-'));
  full = await runShard(root, 'full', undefined);
  halves = [await runShard(root, 'half-1', '1/2'), await runShard(root, 'half-2', '2/2')];
  thirds = [];
  for (const i of [1, 2, 3]) thirds.push(await runShard(root, `third-${i}`, `${i}/3`));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

const shard = (run: ShardRun, name: string): ShardMessages => ({ name, envelopes: run.envelopes });
const all = (envelopes: readonly Envelope[], key: keyof Envelope) => envelopes.filter((e) => e[key]);
const seconds = (t: Timestamp) => t.seconds + t.nanos / 1e9;

test('the shards really are slices: each ran part of the scenarios, with ids of its own', () => {
  assert.deepEqual(scenarioResults(full.envelopes), EXPECTED);
  const [one, two] = halves as [ShardRun, ShardRun];
  assert.equal(scenarioResults(one.envelopes).length, 4);
  assert.equal(scenarioResults(two.envelopes).length, 4);
  // Every shard carries every feature and pickle, under different ids.
  const pickleIds = (run: ShardRun) => all(run.envelopes, 'pickle').map((e) => e.pickle?.id);
  assert.equal(pickleIds(one).length, 8);
  assert.equal(pickleIds(two).length, 8);
  assert.ok(!pickleIds(one).some((id) => pickleIds(two).includes(id)));
});

test('two shards merge into one run: each feature once, each scenario once with its result', () => {
  const [one, two] = halves as [ShardRun, ShardRun];
  const { envelopes, warnings } = mergeMessages([shard(one, 'one'), shard(two, 'two')]);
  assert.deepEqual(warnings, []);
  assert.deepEqual(idProblems(envelopes), []);
  assert.deepEqual(scenarioResults(envelopes), EXPECTED);
  assert.deepEqual(scenarioResults(envelopes), scenarioResults(full.envelopes));

  assert.deepEqual(
    all(envelopes, 'source').map((e) => e.source?.uri),
    Object.keys(FEATURES),
  );
  assert.equal(all(envelopes, 'gherkinDocument').length, 2);
  assert.equal(all(envelopes, 'pickle').length, 8);
  assert.equal(all(envelopes, 'meta').length, 1);
  // Definitions paired by where they are defined: one copy each, as in one run.
  for (const kind of ['stepDefinition', 'hook', 'parameterType'] as const) {
    assert.equal(all(envelopes, kind).length, all(one.envelopes, kind).length, kind);
  }
  // What ran is kept from both shards: a BeforeAll each, every attachment.
  assert.equal(all(envelopes, 'testRunHookStarted').length, 2);
  assert.equal(
    all(envelopes, 'attachment').length,
    all(one.envelopes, 'attachment').length + all(two.envelopes, 'attachment').length,
  );
  // Each pickle ran in one test case.
  const ran = all(envelopes, 'testCase').map((e) => e.testCase?.pickleId);
  assert.equal(new Set(ran).size, ran.length);
  assert.equal(ran.length, 8);

  const started = all(envelopes, 'testRunStarted');
  const finished = all(envelopes, 'testRunFinished');
  assert.equal(started.length, 1);
  assert.equal(finished.length, 1);
  const starts = [one, two].map((r) =>
    seconds(all(r.envelopes, 'testRunStarted')[0]?.testRunStarted?.timestamp as Timestamp),
  );
  const ends = [one, two].map((r) =>
    seconds(all(r.envelopes, 'testRunFinished')[0]?.testRunFinished?.timestamp as Timestamp),
  );
  assert.equal(seconds(started[0]?.testRunStarted?.timestamp as Timestamp), Math.min(...starts));
  assert.equal(seconds(finished[0]?.testRunFinished?.timestamp as Timestamp), Math.max(...ends));
  assert.equal(finished[0]?.testRunFinished?.success, false, 'a scenario failed (in shard 1/2)');
  assert.equal(envelopes.at(-1)?.testRunFinished !== undefined, true);

  const xml = junitXml(envelopes);
  assert.match(xml, /<testsuite name="nettwin"[^>]* tests="8" skipped="1" failures="1"/);
  assert.equal(xml.match(/<testcase /g)?.length, 8);
});

test('every subset of the shards, in every order, shows exactly the scenarios those shards ran', () => {
  const named = thirds.map((run, i) => shard(run, `third-${i + 1}`));
  const orders = (items: ShardMessages[]): ShardMessages[][] =>
    items.length <= 1
      ? [items]
      : items.flatMap((first, i) => orders(items.filter((_, j) => j !== i)).map((rest) => [first, ...rest]));
  for (let mask = 1; mask < 1 << named.length; mask++) {
    const subset = named.filter((_, i) => mask & (1 << i));
    const union = subset.flatMap((s) => scenarioResults(s.envelopes)).sort();
    for (const order of orders(subset)) {
      const label = order.map((s) => s.name).join(' + ');
      const { envelopes } = mergeMessages(order);
      assert.deepEqual(idProblems(envelopes), [], label);
      assert.deepEqual(scenarioResults(envelopes), union, label);
      assert.equal(all(envelopes, 'pickle').length, 8, label);
    }
  }
  assert.deepEqual(scenarioResults(mergeMessages(named).envelopes), EXPECTED);
});

/** JSON with keys in order: envelopes compared whatever order their fields were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

test('merging one stream gives back the same envelopes (and so the same results)', () => {
  for (const [name, run] of [
    ['full', full],
    ...halves.map((r, i) => [`half-${i + 1}`, r] as const),
  ] as const) {
    const { envelopes } = mergeMessages([shard(run, name)]);
    assert.deepEqual(scenarioResults(envelopes), scenarioResults(run.envelopes), name);
    assert.deepEqual(envelopes.map(canonical).sort(), run.envelopes.map(canonical).sort(), name);
  }
});

/** The stream with every id replaced by a counter: two streams so renamed share most ids. */
function renumber(envelopes: readonly Envelope[]): Envelope[] {
  const ids = new Map<string, string>();
  const rename = (id: string) => {
    if (!ids.has(id)) ids.set(id, String(ids.size));
    return ids.get(id) as string;
  };
  const walk = (value: unknown, key = ''): unknown => {
    if (typeof value === 'string' && (key === 'id' || key.endsWith('Id'))) return rename(value);
    if (Array.isArray(value)) return value.map((v) => walk(v, key.endsWith('Ids') ? 'Id' : ''));
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
  };
  return envelopes.map((e) => walk(e) as Envelope);
}

test('ids that two shards both use for different things are renamed apart', () => {
  const [one, two] = halves as [ShardRun, ShardRun];
  const a = renumber(one.envelopes);
  const b = renumber(two.envelopes);
  // Both count from 0: most ids of the second are ids of the first, for other things too.
  const idsIn = (stream: Envelope[]) => new Set(canonical(stream).match(/"id":"[^"]*"/g));
  const first = idsIn(a);
  assert.ok([...idsIn(b)].filter((id) => first.has(id)).length > 50);
  const { envelopes } = mergeMessages([
    { name: 'one', envelopes: a },
    { name: 'two', envelopes: b },
  ]);
  assert.deepEqual(idProblems(envelopes), []);
  assert.deepEqual(scenarioResults(envelopes), EXPECTED);
});

test('a feature whose text differs between shards is refused, naming the feature and both files', async () => {
  const edited = {
    ...FEATURES,
    'features/ports.feature': `${FEATURES['features/ports.feature']}\n  Scenario: added later\n    Given this text:\n      """\n      hello\n      """\n`,
  };
  const other = await runShard(root, 'edited-2', '2/2', edited);
  const [one] = halves as [ShardRun];
  assert.throws(
    () => mergeMessages([shard(one, 'reports-1/messages.ndjson'), shard(other, 'reports-2/messages.ndjson')]),
    (error: unknown) => {
      assert.ok(error instanceof ShardMergeError);
      assert.equal(error.uri, 'features/ports.feature');
      assert.deepEqual(error.files, ['reports-1/messages.ndjson', 'reports-2/messages.ndjson']);
      assert.match(
        error.message,
        /^features\/ports\.feature differs between reports-1\/messages\.ndjson and reports-2\/messages\.ndjson: the shards ran different versions/,
      );
      return true;
    },
  );
});

test('a scenario that ran in two of the streams is refused: they are not shards of one run', () => {
  const [one] = halves as [ShardRun];
  assert.throws(
    () => mergeMessages([shard(one, 'a/messages.ndjson'), shard(full, 'b/messages.ndjson')]),
    /^ShardMergeError: features\/bridges\.feature:6 \("one bridge"\) ran in both a\/messages\.ndjson and b\/messages\.ndjson: these are not shards of one run/,
  );
  assert.throws(() => mergeMessages([shard(one, 'a'), shard(one, 'a again')]), ShardMergeError);
});

test('a shard whose run did not finish makes the merged run unsuccessful, with a warning', () => {
  const [one, two] = halves as [ShardRun, ShardRun];
  const passing = one.envelopes.filter((e) => !e.testRunFinished);
  const { envelopes, warnings } = mergeMessages([
    { name: 'cut/messages.ndjson', envelopes: passing },
    shard(two, 'two'),
  ]);
  assert.deepEqual(warnings, [
    'cut/messages.ndjson has no testRunFinished: that run did not finish, some scenarios may be missing',
  ]);
  assert.equal(envelopes.at(-1)?.testRunFinished?.success, false);
  assert.deepEqual(idProblems(envelopes), []);
});
