import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDestination } from '../matrix/header.ts';
import type { Cell, Matrix } from '../matrix/types.ts';
import { diffSides, runDiff } from './diff.ts';
import { computeMatrix } from './matrix.ts';

const SHOP = 'fixtures/matrix/shop/compose.yaml';
const SNAPSHOT = 'fixtures/snapshots/two-networks-20.10.json';
const at = (m: Matrix, from: string, to: string): Cell | undefined =>
  m.cells.find((x) => x.from === from && formatDestination(x) === to);

test('matrix --neighbour: before 28 the neighbour reaches unpublished container ports; from 28 raw PREROUTING drops it', async () => {
  for (const [version, verdict, table] of [
    ['20.10', 'delivered', 'filter'],
    ['26.1', 'delivered', 'filter'],
    ['28.5', 'timeout', 'raw'],
    ['29.7', 'timeout', 'raw'],
  ] as const) {
    const m = await computeMatrix({
      dockerVersion: version,
      daemonOptions: [],
      compose: SHOP,
      neighbour: true,
    });
    // admin's port 80 is published on 127.0.0.1 only: the neighbour aims at the container itself.
    const admin = at(m, 'the neighbour', 'admin:80');
    assert.equal(admin?.verdict, verdict, version);
    assert.equal(admin?.rule?.table, table, version);
    // The published front end answers it on every version, as it answers the external client.
    assert.equal(at(m, 'the neighbour', '192.168.70.6:8080')?.verdict, 'delivered', version);
    assert.equal(at(m, 'the neighbour', '192.168.70.6:9090')?.verdict, 'refused', version);
    // web goes out masqueraded and the neighbour answers; the internal api has no way out.
    assert.equal(at(m, 'web', 'the neighbour')?.verdict, 'delivered', version);
    assert.notEqual(at(m, 'api', 'the neighbour')?.verdict, 'delivered', version);
  }
});

test('without --neighbour the matrix has no neighbour cells', async () => {
  const m = await computeMatrix({ dockerVersion: '28.5', daemonOptions: [], compose: SHOP });
  assert.equal(
    m.cells.some((c) => c.from === 'the neighbour' || c.to === 'the neighbour'),
    false,
  );
});

test('diff --neighbour 26.1 → 28.5: the neighbour loses the container ports, with the rule on each side', async () => {
  const [step] = await runDiff(
    diffSides({ compose: SHOP, dockerVersion: '26.1', againstDockerVersion: ['28.5'], neighbour: true }),
  );
  const lost = step?.changes.filter((c) => c.from === 'the neighbour') ?? [];
  assert.deepEqual(
    lost.map((c) => `${formatDestination(c)}: ${c.before?.verdict} → ${c.after?.verdict}`).sort(),
    ['admin:80: delivered → timeout', 'web:80: delivered → timeout'],
  );
  assert.ok(lost.every((c) => c.before?.rule?.chain === 'DOCKER' && c.after?.rule?.table === 'raw'));
});

test('matrix --snapshot --neighbour: the neighbour beside the external client, routing via the recorded host', async () => {
  const m = await computeMatrix({
    dockerVersion: '20.10',
    daemonOptions: [],
    snapshot: SNAPSHOT,
    neighbour: true,
  });
  assert.equal(at(m, 'the neighbour', 'db')?.verdict, 'delivered');
  assert.equal(at(m, 'the neighbour', '192.168.70.6:8080')?.verdict, 'delivered');
  assert.equal(at(m, 'db', 'the neighbour')?.verdict, 'delivered');
  const plain = await computeMatrix({ dockerVersion: '20.10', daemonOptions: [], snapshot: SNAPSHOT });
  assert.equal(at(plain, 'the neighbour', 'db'), undefined);
});
