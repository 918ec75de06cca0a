import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Backend } from '../backends/backend.ts';
import { createModelBackend } from '../backends/model.ts';
import { iptablesOf } from '../netfilter/firewall-state.ts';
import { serializeRuleset } from '../netfilter/ruleset/index.ts';
import { type RecordedAction, ReplayError, recordActions, replayActions } from './replay.ts';
import { MatrixSyntaxError } from './types.ts';
import { compareChanges, namesNeighbour, parseExpectedChanges, upgradeChanges } from './upgrade.ts';

/** A scenario's host: two networks, a published web server, a LAN that routes "front" via the host. */
async function routedScenario(): Promise<RecordedAction[]> {
  const actions: RecordedAction[] = [];
  const b = recordActions(createModelBackend(), actions);
  await b.startHost({ dockerVersion: '26.1', daemonOptions: [] });
  await b.createNetwork({ name: 'front', subnet: '172.18.0.0/16', gateway: '172.18.0.1' });
  await b.runContainer({
    name: 'web',
    network: 'front',
    httpBody: 'web',
    httpPort: 80,
    publish: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
  });
  await b.routeViaHost('172.18.0.0/16');
  // Reads and traffic are not host changes: not recorded.
  await b.readRuleset();
  await b.ping({ kind: 'external' }, 'web', 1);
  return actions;
}

test('the recorder keeps host-changing calls only, with copies of their arguments, and passes the rest through', async () => {
  const actions = await routedScenario();
  assert.deepEqual(
    actions.map((a) => a.method),
    ['startHost', 'createNetwork', 'runContainer', 'routeViaHost'],
  );
  const inner = createModelBackend();
  const actionsB: RecordedAction[] = [];
  const b = recordActions(inner, actionsB);
  assert.equal(b.name, 'model');
  await assert.rejects(b.createNetwork({ name: 'x' }), /start the host first/);
  assert.deepEqual(actionsB, [], 'a refused action is not recorded');
  const options = { dockerVersion: '28.5', daemonOptions: [] as string[] };
  await b.startHost(options);
  options.daemonOptions.push('--icc=false');
  assert.deepEqual((actionsB as RecordedAction[])[0]?.args, [{ dockerVersion: '28.5', daemonOptions: [] }]);
});

test('a replay starts the host at the target version and does the rest again', async () => {
  const actions = await routedScenario();
  const target = createModelBackend();
  await replayActions(actions, target, { dockerVersion: '28.5' });
  assert.match(
    serializeRuleset(iptablesOf(await target.readRuleset())),
    /-A PREROUTING -d 172\.18\.0\.2\/32 ! -i br-\S+ -j DROP/,
  );
  const standalone: RecordedAction[] = [{ method: 'loadStandaloneHost', args: [{}] }];
  await assert.rejects(
    replayActions(standalone, createModelBackend(), { dockerVersion: '28.5' }),
    ReplayError,
  );
  const bad: RecordedAction[] = [{ method: 'createNetwork', args: [{ name: 'n' }] }];
  await assert.rejects(
    replayActions(bad, createModelBackend(), { dockerVersion: '28.5' }),
    /action 1 \(createNetwork\) fails on Docker 28\.5: .*start the host first/,
  );
});

test('26.1 → 28.5: the routed LAN loses the container port, with the deciding rules on both sides', async () => {
  const changes = await upgradeChanges(await routedScenario(), { from: '26.1', to: '28.5' }, new Map());
  assert.deepEqual(
    changes.map((c) => [c.from, c.to, c.port, c.before?.verdict, c.after?.verdict]),
    [['the external client', 'web', 80, 'delivered', 'timeout']],
  );
  assert.equal(changes[0]?.before?.rule?.chain, 'DOCKER');
  assert.equal(changes[0]?.after?.rule?.table, 'raw');
  assert.deepEqual(await upgradeChanges(await routedScenario(), { from: '26.1', to: '26.1' }, new Map()), []);
});

test('26.1 → 28.5 with the neighbour: it loses every container cell; without it, the plan is as it was', async () => {
  const actions = await routedScenario();
  const versions = { from: '26.1', to: '28.5' };
  const changes = await upgradeChanges(actions, versions, new Map(), { neighbour: true });
  assert.deepEqual(
    changes.map((c) => [c.from, c.to, c.port, c.before?.verdict, c.after?.verdict]),
    [
      ['the external client', 'web', 80, 'delivered', 'timeout'],
      ['the neighbour', 'web', 80, 'delivered', 'timeout'],
    ],
  );
  assert.equal(changes[1]?.after?.rule?.table, 'raw');
  assert.equal((await upgradeChanges(actions, versions, new Map())).length, 1);
  const rows = (from: string, to: string) => parseExpectedChanges([{ from, to, before: '✓', after: '✗' }]);
  assert.equal(namesNeighbour(rows('the neighbour', 'web:80')), true);
  assert.equal(namesNeighbour(rows('web', 'the neighbour')), true);
  assert.equal(namesNeighbour(rows('the external client', 'web:80')), false);
  assert.equal(namesNeighbour([]), false);
});

test('expected changes: read, matched, and every difference named', async () => {
  const changes = await upgradeChanges(await routedScenario(), { from: '26.1', to: '28.5' }, new Map());
  const ok = parseExpectedChanges([{ from: 'the external client', to: 'web:80', before: '✓', after: '✗' }]);
  assert.deepEqual(compareChanges(ok, changes), []);
  const precise = parseExpectedChanges([
    { from: 'the external client', to: 'web:80', before: '✓', after: 'refused' },
  ]);
  assert.deepEqual(compareChanges(precise, changes), [
    'the external client → web:80: changes ✓ → timeout; expected ✓ → refused',
  ]);
  const other = parseExpectedChanges(
    [{ from: '"web"', to: '<host ip>:8080', before: '✓', after: '✗' }],
    (w) => w.replace('<host ip>', '192.168.70.6'),
  );
  assert.deepEqual(compareChanges(other, changes), [
    'web → 192.168.70.6:8080: expected to change, but it does not (or there is no such cell)',
    'the external client → web:80: changes, but the table does not say so',
  ]);
  assert.throws(() => parseExpectedChanges([{ from: 'a', to: 'b' }]), MatrixSyntaxError);
  assert.throws(
    () => parseExpectedChanges([{ from: 'a', to: 'b:0', before: '✓', after: '✗' }]),
    /row 2: "b:0" is not a destination/,
  );
});

test('the recorder is transparent to a twin-like backend: properties and other methods pass through', async () => {
  const inner = {
    name: 'twin',
    model: { name: 'model' },
    real: async () => 'real side',
  } as unknown as Backend;
  const b = recordActions(inner, []) as Backend & { real: () => Promise<string> };
  assert.equal(b.model?.name, 'model');
  assert.equal(await b.real(), 'real side');
});
