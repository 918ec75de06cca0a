import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Envelope, Exception } from '@cucumber/messages';
import fc from 'fast-check';
import { messageStream } from './junit-messages.test-helper.ts';
import { pluginJunitXml } from './junit-plugin.test-helper.ts';
import { junitReport } from './junit-report.ts';
import { assertWellFormedXml } from './xml-check.test-helper.ts';

/** A run of one scenario whose one step failed with `exception`. */
function oneFailedStep(exception: Exception): Envelope[] {
  const at = { seconds: 1_700_000_000, nanos: 0 };
  return [
    {
      gherkinDocument: {
        uri: 'f.feature',
        comments: [],
        feature: {
          name: 'F',
          children: [
            {
              scenario: {
                id: 's',
                name: 'S',
                steps: [{ id: 'st', keyword: 'Given ', text: 't' }],
                examples: [],
              },
            },
          ],
        },
      },
    },
    {
      pickle: {
        id: 'p',
        uri: 'f.feature',
        name: 'S',
        steps: [{ id: 'ps', text: 't', astNodeIds: ['st'] }],
        astNodeIds: ['s'],
      },
    },
    { testRunStarted: { timestamp: at } },
    { testCase: { id: 'tc', pickleId: 'p', testSteps: [{ id: 'ts', pickleStepId: 'ps' }] } },
    { testCaseStarted: { id: 'c', testCaseId: 'tc', attempt: 0, timestamp: at } },
    {
      testStepFinished: {
        testCaseStartedId: 'c',
        testStepId: 'ts',
        timestamp: at,
        testStepResult: { status: 'FAILED', duration: { seconds: 0, nanos: 0 }, exception },
      },
    },
    { testCaseFinished: { testCaseStartedId: 'c', timestamp: at, willBeRetried: false } },
    { testRunFinished: { success: false, timestamp: at } },
  ] as unknown as Envelope[];
}

function reportXml(envelopes: readonly Envelope[], suiteName = 'nettwin'): string {
  const report = junitReport(suiteName);
  return envelopes.map((envelope) => report.message(envelope) ?? '').join('');
}

/** Whether a BeforeAll/AfterAll hook's result is one of the run's errors. */
function hookFailed(envelope: Envelope): boolean {
  const status = envelope.testRunHookFinished?.result.status;
  return status !== undefined && status !== 'PASSED' && status !== 'SKIPPED';
}

test('the report equals, byte for byte, what cucumber’s JUnit plugin writes for the same messages', () => {
  fc.assert(
    fc.property(
      messageStream.filter((envelopes) => !envelopes.some(hookFailed)),
      (envelopes) => {
        assert.equal(reportXml(envelopes), pluginJunitXml(envelopes));
      },
    ),
    { numRuns: 150 },
  );
});

test('a BeforeAll/AfterAll hook that failed is an <error> the plugin leaves out; the rest is the plugin’s', () => {
  fc.assert(
    fc.property(
      messageStream.filter((envelopes) => envelopes.some(hookFailed)),
      (envelopes) => {
        const ours = reportXml(envelopes).split('\n');
        const plugin = pluginJunitXml(envelopes).split('\n');
        const failed = envelopes.filter(hookFailed).length;
        const header = (plugin[1] ?? '').replace(/\/?>$/, '>');
        const tests = Number(/ tests="(\d+)"/.exec(header)?.[1]);
        assert.equal(
          ours[1],
          header
            .replace(/ tests="\d+"/, ` tests="${tests + failed}"`)
            .replace(/ errors="0"/, ` errors="${failed}"`),
        );
        // The plugin's test cases, then one per failed hook.
        const pluginCases = plugin.length > 2 ? plugin.slice(2, -1) : [];
        assert.deepEqual(ours.slice(2, 2 + pluginCases.length), pluginCases);
        const errorCases = ours.slice(2 + pluginCases.length).join('\n');
        assert.equal(errorCases.match(/^ {2}<testcase /gm)?.length, failed);
        assert.equal(errorCases.match(/^ {4}<error[ />]/gm)?.length, failed);
        assert.ok(ours.at(-1) === '</testsuite>');
      },
    ),
    { numRuns: 100 },
  );
});

test('the report is well-formed XML for any stream, and nothing is written before testRunFinished', () => {
  fc.assert(
    fc.property(messageStream, (envelopes) => {
      const report = junitReport('nettwin');
      const written = envelopes.map((envelope) => report.message(envelope));
      assert.ok(written.slice(0, -1).every((xml) => xml === undefined));
      assertWellFormedXml(written.at(-1) ?? '');
    }),
    { numRuns: 50 },
  );
});

test('where the plugin’s XML breaks (`]]>` twice, a lone low surrogate), the report stays XML', () => {
  const failing = oneFailedStep({
    type: 'Error',
    message: 'a"\uDC00',
    stackTrace: 'one ]]> two ]]> x\uDC00',
  });
  const ours = reportXml(failing);
  assertWellFormedXml(ours);
  assert.ok(ours.includes('<![CDATA[one ]]]]><![CDATA[> two ]]]]><![CDATA[> x]]>'));
  assert.ok(ours.includes('message="a&quot;"'));
  assert.throws(() => assertWellFormedXml(pluginJunitXml(failing)));
});

test('a suite name is the plugin’s: given, or "Cucumber"', () => {
  const stream: Envelope[] = [
    { testRunFinished: { success: true, timestamp: { seconds: 5, nanos: 0 } } } as Envelope,
  ];
  assert.equal(reportXml(stream, ''), pluginJunitXml(stream, ''));
  assert.match(reportXml(stream, ''), /<testsuite name="Cucumber" time="0" tests="0"/);
});

test('the run’s timestamp is the plugin’s at the edges: before year 0, after 9999, past what a Date holds', () => {
  const edges = [0, -1, -62167219201, 253402300799, 253402300800, 8.64e12, 8.64e12 + 1, 1e15];
  for (const seconds of edges) {
    for (const nanos of [0, 500_000, 999_999_999]) {
      const stream = [
        { testRunStarted: { timestamp: { seconds, nanos } } },
        { testRunFinished: { success: true, timestamp: { seconds: 1, nanos: 0 } } },
      ] as Envelope[];
      assert.equal(reportXml(stream), pluginJunitXml(stream), `seconds ${seconds}, nanos ${nanos}`);
    }
  }
});

test('a run that ended with an exception and no failed hook has that exception as its one error', () => {
  const at = { seconds: 100, nanos: 0 };
  const end = { seconds: 102, nanos: 500_000_000 };
  const stream = [
    { testRunStarted: { timestamp: at } },
    {
      testRunFinished: {
        success: false,
        message: 'engine gone',
        exception: {
          type: 'EngineError',
          message: 'engine gone',
          stackTrace: 'EngineError: engine gone\n  at x',
        },
        timestamp: end,
      },
    },
  ] as Envelope[];
  const xml = reportXml(stream);
  assertWellFormedXml(xml);
  assert.match(xml, / tests="1" skipped="0" failures="0" errors="1"/);
  assert.ok(
    xml.includes(
      '<testcase classname="nettwin" name="the test run" time="2.5">\n' +
        '    <error type="EngineError" message="engine gone"><![CDATA[EngineError: engine gone\n  at x]]></error>',
    ),
  );
  // A run that failed the usual way (a scenario failed) is no error of its own.
  const failed = reportXml([
    stream[0],
    { testRunFinished: { success: false, timestamp: end } },
  ] as Envelope[]);
  assert.match(failed, / tests="0" skipped="0" failures="0" errors="0"/);
});

test('a failed hook is named by its kind, name and place; a bare message’s first line is the error’s message', () => {
  const at = { seconds: 100, nanos: 0 };
  const stream = [
    {
      hook: {
        id: 'h',
        name: 'start engines',
        type: 'AFTER_TEST_RUN',
        sourceReference: { uri: 'steps/h.ts', location: { line: 7 } },
      },
    },
    { testRunStarted: { timestamp: at } },
    { testRunHookStarted: { id: 'hs', hookId: 'h', testRunStartedId: 'r', timestamp: at } },
    {
      testRunHookFinished: {
        testRunHookStartedId: 'hs',
        result: { status: 'FAILED', message: 'Error: x\n  at y', duration: { seconds: 0, nanos: 0 } },
        timestamp: { seconds: 100, nanos: 250_000_000 },
      },
    },
    { testRunFinished: { success: false, message: 'an AfterAll hook errored', timestamp: at } },
  ] as Envelope[];
  const xml = reportXml(stream);
  assert.ok(
    xml.includes(
      '<testcase classname="nettwin" name="AfterAll start engines (steps/h.ts:7)" time="0.25">\n' +
        '    <error message="Error: x"><![CDATA[Error: x\n  at y]]></error>',
    ),
    xml,
  );
  assert.doesNotMatch(
    xml,
    /the test run/,
    'the hook is the error; the run’s own message is not counted again',
  );
});
