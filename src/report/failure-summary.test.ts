import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CounterDelta } from '../netfilter/types.ts';
import { renderFailureSummary } from './failure-summary.ts';
import { isolationDropPath } from './sample-paths.test-helper.ts';
import { assertWellFormedXml } from './xml-check.test-helper.ts';

test('the first screen names the failure, then shows counters, ruleset diff and path', () => {
  const real: CounterDelta[] = [
    {
      table: 'filter',
      chain: 'DOCKER-ISOLATION-STAGE-2',
      rule: 1,
      text: '-A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP',
      packets: 3,
      bytes: 252,
    },
  ];
  const html = renderFailureSummary({
    scenario: 'Bridges are isolated <by default>',
    step: 'When "test1" pings "test3" 3 times',
    location: 'features/isolation.feature:12',
    message: 'twin mismatch: model predicts 3 replies, real host got 0\nmore & details',
    backend: 'twin',
    connectivity: [{ field: 'received', real: 0, model: 3 }],
    realCounters: real,
    modelCounters: [],
    rulesetDiff:
      '--- real\n+++ model\n@@ *filter DOCKER-ISOLATION-STAGE-2 @@\n--A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP',
    path: isolationDropPath(),
  });
  assertWellFormedXml(html);
  assert.ok(html.includes('Bridges are isolated &lt;by default&gt;'));
  assert.ok(html.includes('features/isolation.feature:12'));
  assert.ok(html.includes('twin mismatch: model predicts 3 replies, real host got 0'));
  assert.ok(html.includes('more &amp; details'));
  assert.ok(html.includes('received: real 0, model 3'));
  const order = ['Connectivity', 'Counters', 'Ruleset', 'packet path'].map((w) => html.indexOf(w));
  assert.ok(order.every((i) => i > 0));
  assert.deepEqual(
    [...order].sort((a, b) => a - b),
    order,
  );
  assert.doesNotMatch(html, /<svg/, 'the path is a picture of its own');
  assert.match(html, /<table class="nettwin-counters"/);
});

test('optional sections are left out', () => {
  const html = renderFailureSummary({ scenario: 's', message: 'boom' });
  assertWellFormedXml(html);
  assert.doesNotMatch(html, /Counters|Ruleset|<svg/);
});
