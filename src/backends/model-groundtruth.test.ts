/**
 * The model backend with the real DockerDaemonModel replaying ground truth e3: the
 * ruleset Docker leaves behind and every step's counter deltas (bytes included) must be
 * what the real Docker 20.10 host recorded.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareCounters } from '../compare/counter-compare.ts';
import { countersOf } from '../compare/counter-deltas.ts';
import { groundTruthFinal, groundTruthStep } from '../compare/fixtures.test-helper.ts';
import { renderCounterComparisonText } from '../compare/render-text.ts';
import { compareRulesets } from '../compare/ruleset-diff.ts';
import { iptablesCountersOf, iptablesOf } from '../netfilter/firewall-state.ts';
import type { RequestResult } from './backend.ts';
import { createModelBackend } from './model.ts';
import { RECORDED_TRAFFIC } from './model-http.ts';

test("e3 replayed on the model: ruleset and every step's counters as recorded", async () => {
  // Recorded on a DinD host on an outer network: its DNS rules, the outer client at .10.
  const b = createModelBackend({
    baseline: 'dind',
    externalAddress: '192.168.70.10',
    traffic: RECORDED_TRAFFIC,
  });
  await b.startHost({ dockerVersion: '20.10', daemonOptions: [] });
  await b.createNetwork({
    name: 'test_net',
    subnet: '172.18.0.0/16',
    gateway: '172.18.0.1',
    options: { 'com.docker.network.bridge.name': 'test_net' },
  });
  await b.runContainer({
    name: 'nginx-demo',
    network: 'test_net',
    ip: '172.18.0.66',
    publish: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    httpBody: 'hello',
    httpPort: 80,
  });
  await b.runContainer({ name: 'box' });
  const rs = compareRulesets(groundTruthFinal('e3-publish-and-proxy'), iptablesOf(await b.readRuleset()));
  assert.ok(rs.equal, rs.unified);

  const box = { kind: 'container', name: 'box' } as const;
  const steps: Array<
    [string, () => Promise<RequestResult | undefined>, RequestResult['outcome'] | undefined]
  > = [
    [
      'external client GETs host:8080 (outer',
      () => b.httpGet({ kind: 'external' }, 'http://192.168.70.6:8080/').then((o) => o.outcome),
      'ok',
    ],
    [
      'container box (docker0) GETs host-ip',
      () => b.httpGet(box, 'http://192.168.70.6:8080/').then((o) => o.outcome),
      'ok',
    ],
    [
      'container box GETs docker0 gateway',
      () => b.httpGet(box, 'http://172.17.0.1:8080/').then((o) => o.outcome),
      'ok',
    ],
    [
      'nginx-demo GETs itself',
      () =>
        b
          .httpGet({ kind: 'container', name: 'nginx-demo' }, 'http://192.168.70.6:8080/')
          .then((o) => o.outcome),
      'ok',
    ],
    ['kill docker-proxy', async () => void (await b.killDockerProxy()), undefined],
    [
      'box GETs host-ip:8080 after kill',
      () => b.httpGet(box, 'http://192.168.70.6:8080/').then((o) => o.outcome),
      'refused',
    ],
    [
      'host itself GETs 127.0.0.1:8080 after kill',
      () => b.httpGet({ kind: 'host' }, 'http://127.0.0.1:8080/').then((o) => o.outcome),
      'refused',
    ],
    [
      'host itself GETs host-ip:8080 after kill',
      () => b.httpGet({ kind: 'host' }, 'http://192.168.70.6:8080/').then((o) => o.outcome),
      'ok',
    ],
  ];
  for (const [title, act, outcome] of steps) {
    await b.zeroCounters();
    const result = await act();
    assert.equal(result?.outcome, outcome, title);
    const real = countersOf(groundTruthStep('e3-publish-and-proxy', title));
    const cmp = compareCounters(real, iptablesCountersOf(await b.readCounters()), {
      protocol: 'tcp',
      byteTolerance: 0,
    });
    assert.ok(cmp.equal, `${title}\n${renderCounterComparisonText(cmp)}`);
  }
});
