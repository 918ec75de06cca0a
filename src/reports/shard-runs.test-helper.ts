/**
 * Real cucumber message streams for the merge tests: a small feature set run by cucumber
 * itself, whole or as shards, each run in a checkout of its own (a temporary directory,
 * as a CI machine would have), so ids differ between runs as they do between machines.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { loadConfiguration, runCucumber } from '@cucumber/cucumber/api';
import type { Envelope } from '@cucumber/messages';
import { RunSummaryCollector } from '../cli/run-summary.ts';

export const FEATURES: Record<string, string> = {
  'features/bridges.feature': `@bridges
Feature: bridges
  Background:
    Given a host

  Scenario: one bridge
    When I create network "a"
    Then the host has 1 bridges

  Rule: isolation
    Scenario: two bridges
      When I create network "a"
      And I create network "b"
      Then the host has 2 bridges

    Scenario Outline: <n> networks
      When I create <n> networks
      Then the host has <bridges> bridges

      Examples:
        | n | bridges |
        | 1 | 1       |
        | 3 | 3       |
        | 2 | 3       |
`,
  'features/ports.feature': `Feature: ports
  Scenario: a table
    Given these ports:
      | port | proto |
      | 80   | tcp   |
    Then port 80 over tcp is published

  @later
  Scenario: not yet
    Given a step that is skipped

  Scenario: text
    Given this text:
      """
      hello
      """
`,
};

/** Scenario results of FEATURES (as scenarioResults sorts them): what a merge of all its shards shows. */
export const EXPECTED = [
  'features/bridges.feature:6 one bridge: passed',
  'features/bridges.feature:11 two bridges: passed',
  'features/bridges.feature:22 1 networks: passed',
  'features/bridges.feature:23 3 networks: passed',
  'features/bridges.feature:24 2 networks: failed',
  'features/ports.feature:2 a table: passed',
  'features/ports.feature:9 not yet: skipped',
  'features/ports.feature:12 text: passed',
].sort();

const STEPS = `import { Before, BeforeAll, Given, Then, When, defineParameterType } from '@cucumber/cucumber';
defineParameterType({ name: 'proto', regexp: /tcp|udp/, transformer: (s) => s });
BeforeAll(function () {});
Before({ tags: '@bridges' }, function () { this.attach('a host with no bridge'); });
Given('a host', function () { this.bridges = 0; });
When('I create network {string}', function (name) { this.bridges++; this.attach('created ' + name); });
When('I create {int} networks', function (n) { this.bridges += n; });
Then('the host has {int} bridges', function (n) {
  if (this.bridges !== n) throw new Error('expected ' + n + ' bridges, saw ' + this.bridges);
});
Given('these ports:', function (table) { this.ports = table.hashes(); });
Then('port {int} over {proto} is published', function (port, proto) {
  if (!this.ports.some((p) => Number(p.port) === port && p.proto === proto)) throw new Error('not published');
});
Given('a step that is skipped', function () { return 'skipped'; });
Given('this text:', function (text) { if (text !== 'hello') throw new Error(text); });
`;

const NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));

const sink = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

export interface ShardRun {
  /** The run's reports directory (it holds messages.ndjson). */
  reports: string;
  envelopes: Envelope[];
  success: boolean;
}

/**
 * Runs FEATURES (or `features`) in a fresh checkout `root/name` with cucumber's own
 * `shard` option, writing messages to `root/name/reports/messages.ndjson`.
 */
export async function runShard(
  root: string,
  name: string,
  shard: string | undefined,
  features: Record<string, string> = FEATURES,
): Promise<ShardRun> {
  const cwd = path.join(root, name);
  await mkdir(path.join(cwd, 'features'), { recursive: true });
  for (const [file, text] of Object.entries(features)) await writeFile(path.join(cwd, file), text);
  await writeFile(path.join(cwd, 'steps.mjs'), STEPS);
  // The step file imports @cucumber/cucumber: resolve it from this repository.
  await writeFile(path.join(cwd, 'package.json'), '{"type":"module"}');
  await symlink(NODE_MODULES, path.join(cwd, 'node_modules'));
  const environment = { cwd, stdout: sink(), stderr: sink(), env: {} };
  const { runConfiguration } = await loadConfiguration(
    {
      file: false,
      provided: {
        paths: ['features/'],
        import: ['steps.mjs'],
        format: ['message:reports/messages.ndjson'],
        ...(shard ? { shard } : {}),
      },
    },
    environment,
  );
  const envelopes: Envelope[] = [];
  const { success } = await runCucumber(runConfiguration, environment, (e) => envelopes.push(e));
  return { reports: path.join(cwd, 'reports'), envelopes, success };
}

export async function withTempDir<T>(prefix: string, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `uri:line name: outcome` of every scenario the stream ran, sorted. */
export function scenarioResults(envelopes: readonly Envelope[]): string[] {
  const collector = new RunSummaryCollector();
  for (const e of envelopes) collector.add(e);
  return collector
    .summary()
    .scenarios.map((s) => `${s.uri}:${s.line} ${s.name}: ${s.outcome}`)
    .sort();
}

/**
 * What is wrong with a stream's ids: an id defined twice, or a reference to no id the
 * stream defines. Empty for a stream a formatter can read.
 */
export function idProblems(envelopes: readonly Envelope[]): string[] {
  const problems: string[] = [];
  const defined = new Map<string, Set<string>>();
  const define = (kind: string, id: string | undefined) => {
    if (id === undefined) return;
    const ids = defined.get(kind) ?? new Set<string>();
    if (ids.has(id)) problems.push(`${kind} ${id} is defined twice`);
    ids.add(id);
    defined.set(kind, ids);
  };
  const nodeIds = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(nodeIds);
    else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      if (typeof record.id === 'string') define('node', record.id);
      for (const [key, field] of Object.entries(record)) if (key !== 'id') nodeIds(field);
    }
  };
  for (const e of envelopes) {
    if (e.gherkinDocument) nodeIds(e.gherkinDocument.feature);
    if (e.pickle) {
      define('pickle', e.pickle.id);
      for (const s of e.pickle.steps) define('pickleStep', s.id);
    }
    define('stepDefinition', e.stepDefinition?.id);
    define('hook', e.hook?.id);
    define('parameterType', e.parameterType?.id);
    define('testRunStarted', e.testRunStarted?.id);
    if (e.testCase) {
      define('testCase', e.testCase.id);
      for (const s of e.testCase.testSteps) define('testStep', s.id);
    }
    define('testCaseStarted', e.testCaseStarted?.id);
    define('testRunHookStarted', e.testRunHookStarted?.id);
  }
  const refer = (kind: string, id: string | undefined, from: string) => {
    if (id !== undefined && !defined.get(kind)?.has(id)) problems.push(`${from} refers to no ${kind} ${id}`);
  };
  for (const e of envelopes) {
    if (e.pickle) {
      for (const id of e.pickle.astNodeIds) refer('node', id, 'pickle');
      for (const t of e.pickle.tags) refer('node', t.astNodeId, 'pickle tag');
      for (const s of e.pickle.steps) for (const id of s.astNodeIds) refer('node', id, 'pickle step');
    }
    if (e.testCase) {
      refer('pickle', e.testCase.pickleId, 'testCase');
      refer('testRunStarted', e.testCase.testRunStartedId, 'testCase');
      for (const s of e.testCase.testSteps) {
        refer('hook', s.hookId, 'testStep');
        refer('pickleStep', s.pickleStepId, 'testStep');
        for (const id of s.stepDefinitionIds ?? []) refer('stepDefinition', id, 'testStep');
      }
    }
    refer('testCase', e.testCaseStarted?.testCaseId, 'testCaseStarted');
    for (const s of [e.testStepStarted, e.testStepFinished]) {
      refer('testCaseStarted', s?.testCaseStartedId, 'testStep event');
      refer('testStep', s?.testStepId, 'testStep event');
    }
    refer('testCaseStarted', e.testCaseFinished?.testCaseStartedId, 'testCaseFinished');
    refer('testCaseStarted', e.attachment?.testCaseStartedId, 'attachment');
    refer('testStep', e.attachment?.testStepId, 'attachment');
    refer('hook', e.testRunHookStarted?.hookId, 'testRunHookStarted');
    refer('testRunStarted', e.testRunHookStarted?.testRunStartedId, 'testRunHookStarted');
    refer('testRunHookStarted', e.testRunHookFinished?.testRunHookStartedId, 'testRunHookFinished');
    refer('testRunStarted', e.testRunFinished?.testRunStartedId, 'testRunFinished');
  }
  return problems;
}
