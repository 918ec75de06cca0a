import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { formatDestination } from '../matrix/header.ts';
import type { Cell, Matrix } from '../matrix/types.ts';
import { diffSides, runDiff } from './diff.ts';
import { computeMatrix } from './matrix.ts';
import { MatrixInputError } from './matrix-scene.ts';

const SHOP = 'fixtures/matrix/shop/compose.yaml';
const GUARD = 'fixtures/matrix/shop/lan-guard.sh';
const at = (m: Matrix, from: string, to: string): Cell => {
  const c = m.cells.find((x) => x.from === from && formatDestination(x) === to);
  assert.ok(
    c,
    `no cell ${from} → ${to} in ${m.cells.map((x) => `${x.from} → ${formatDestination(x)}`).join(', ')}`,
  );
  return c;
};

for (const version of ['20.10', '28.5', '29.7']) {
  test(`matrix of the shop on Docker ${version}: what compose and Docker give it, each cell with its rule`, async () => {
    const m = await computeMatrix({ dockerVersion: version, daemonOptions: [], compose: SHOP });
    const front = at(m, 'the external client', '192.168.70.6:8080');
    assert.equal(front.verdict, 'delivered');
    assert.equal(front.rule?.table, 'filter');
    assert.match(front.rule?.text ?? '', /-d 172\.18\.0\.2\/32 .*--dport 80 -j ACCEPT$/);
    // The admin page is bound to the host's loopback: from the LAN nothing listens.
    const admin = at(m, 'the external client', '192.168.70.6:9090');
    assert.equal(admin.verdict, 'refused');
    assert.equal(admin.rule, null);
    assert.match(admin.reason ?? '', /nothing listens on tcp port 9090/);
    assert.equal(at(m, 'the host', '127.0.0.1:9090').verdict, 'delivered');
    // The internal back end has no way out; the front end reaches it on the shared network.
    assert.notEqual(at(m, 'api', 'the external client').verdict, 'delivered');
    assert.equal(at(m, 'web', 'api:80').verdict, 'delivered');
    assert.equal(at(m, 'api', 'web:80').verdict, 'delivered');
    // admin shares no network with api: Docker's isolation (or 29's DOCKER-INTERNAL) drops it.
    const cross = at(m, 'admin', 'api:80');
    assert.equal(cross.verdict, 'timeout');
    assert.match(
      cross.rule?.chain ?? '',
      version === '29.7' ? /^DOCKER-INTERNAL$/ : /^DOCKER-ISOLATION-STAGE-1$/,
    );
  });
}

test('diff 20.10 → 28.5 → 29.7 with a LAN routed via the host: the direct-routing change, with both rules', async () => {
  const steps = await runDiff(
    diffSides({
      compose: SHOP,
      dockerVersion: '20.10',
      againstDockerVersion: ['28.5', '29.7'],
      directRouting: true,
    }),
  );
  assert.deepEqual(
    steps.map((s) => [s.before, s.after]),
    [
      ['Docker 20.10', 'Docker 28.5'],
      ['Docker 28.5', 'Docker 29.7'],
    ],
  );
  const direct = steps[0]?.changes.find((c) => c.from === 'the external client' && c.to === 'web');
  assert.equal(direct?.before?.verdict, 'delivered');
  assert.equal(direct?.before?.rule?.chain, 'DOCKER');
  assert.equal(direct?.after?.verdict, 'timeout');
  assert.equal(direct?.after?.rule?.table, 'raw');
  assert.equal(direct?.after?.rule?.chain, 'PREROUTING');
  assert.match(
    direct?.after?.rule?.text ?? '',
    /^-A PREROUTING -d 172\.18\.0\.2\/32 ! -i br-[0-9a-f]{12} -j DROP$/,
  );
  // The published port keeps answering the LAN and the host across every upgrade.
  for (const s of steps)
    assert.ok(
      !s.changes.some((c) => c.from.startsWith('the ') && c.to === '192.168.70.6' && c.port === 8080),
    );
  // 29 removes the isolation chains: same verdicts, other deciding rules (diff --rules).
  const rules = await runDiff(
    diffSides({ compose: SHOP, dockerVersion: '28.5', againstDockerVersion: ['29.7'], directRouting: true }),
    { rules: true },
  );
  const moved = rules[0]?.changes.find((c) => c.from === 'admin' && c.to === 'api');
  assert.equal(moved?.before?.rule?.chain, 'DOCKER-ISOLATION-STAGE-1');
  assert.equal(moved?.after?.rule?.chain, 'DOCKER-INTERNAL');
  assert.equal(moved?.before?.verdict, moved?.after?.verdict);
});

test('diff --apply: a DOCKER-USER rule under review, and what it breaks beyond its aim', async () => {
  const [step] = await runDiff(diffSides({ compose: SHOP, dockerVersion: '28.5', apply: GUARD }));
  assert.equal(step?.after, `Docker 28.5 + ${GUARD}`);
  const changed = (step?.changes ?? []).map((c) => `${c.from} → ${formatDestination(c)}`);
  assert.deepEqual(changed.sort(), [
    'admin → the external client',
    'the external client → 192.168.70.6:8080',
    'web → the external client',
  ]);
  for (const c of step?.changes ?? []) assert.equal(c.after?.rule?.chain, 'DOCKER-USER');
});

test('diff --against-daemon-options: --allow-direct-routing on 28.5 lifts the raw drops', async () => {
  const [step] = await runDiff(
    diffSides({
      compose: SHOP,
      dockerVersion: '28.5',
      againstDaemonOptions: '--allow-direct-routing',
      directRouting: true,
    }),
  );
  assert.deepEqual(
    step?.changes.map((c) => [c.from, c.to, c.before?.verdict, c.after?.verdict]),
    [
      ['the external client', 'web', 'timeout', 'delivered'],
      ['the external client', 'admin', 'timeout', 'delivered'],
    ],
  );
});

test('bad input: no host, both inputs, an unreadable file, an --apply line the model refuses', async () => {
  await assert.rejects(computeMatrix({ dockerVersion: '28.5', daemonOptions: [] }), MatrixInputError);
  await assert.rejects(
    computeMatrix({ dockerVersion: '28.5', daemonOptions: [], compose: SHOP, script: SHOP }),
    /give one of --compose/,
  );
  await assert.rejects(
    computeMatrix({ dockerVersion: '28.5', daemonOptions: [], compose: 'no/such.yaml' }),
    /--compose no\/such\.yaml: cannot read the file \(ENOENT\)/,
  );
  await assert.rejects(
    computeMatrix({ dockerVersion: '28.5', daemonOptions: [], compose: SHOP, apply: SHOP }),
    /compose\.yaml:4: name: shop: exit 127/,
  );
  assert.throws(() => diffSides({ compose: SHOP, dockerVersion: '28.5' }), /give the other side/);
});

const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'nettwin.js');
const nettwin = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

test('the commands: matrix --json is the documented shape; diff --exit-code is 1 on changes; bad input is 2', () => {
  const json = nettwin(['matrix', '--compose', SHOP, '--docker-version', '28.5', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const cells = (JSON.parse(json.stdout) as { cells: Array<Record<string, unknown>> }).cells;
  assert.ok(cells.length > 10);
  for (const c of cells) assert.deepEqual(Object.keys(c), ['from', 'to', 'port', 'proto', 'verdict', 'rule']);
  const diff = nettwin([
    'diff',
    '--compose',
    SHOP,
    '--docker-version',
    '28.5',
    '--apply',
    GUARD,
    '--exit-code',
  ]);
  assert.equal(diff.code, 1, diff.stderr);
  assert.match(diff.stdout, /the external client → 192\.168\.70\.6:8080: ✓ → timeout\n/);
  const bad = nettwin(['matrix', '--compose', SHOP, '--json', '--markdown']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /choose one output/);
});

test('a docker script (its dockerd line applies) and an ephemeral published port (the one Docker picked)', async () => {
  const script = await computeMatrix({
    dockerVersion: '28.5',
    daemonOptions: [],
    script: 'fixtures/scripts/golden-direct-routing.docker',
    directRouting: true,
  });
  // dockerd --allow-direct-routing: no raw DROP; w1 serves nothing, so its DOCKER chain decides.
  const direct = at(script, 'the external client', 'w1');
  assert.equal(direct.verdict, 'timeout');
  assert.notEqual(direct.rule?.table, 'raw');
  assert.equal(at(script, 'the host', '127.0.0.1:8081').proto, 'tcp');
  const dir = mkdtempSync(path.join(tmpdir(), 'nettwin-matrix-'));
  try {
    const file = path.join(dir, 'compose.yaml');
    writeFileSync(file, 'services:\n  web:\n    image: nginx\n    ports: ["80"]\n');
    const m = await computeMatrix({ dockerVersion: '28.5', daemonOptions: [], compose: file });
    const published = m.cells.find((c) => c.from === 'the external client');
    assert.equal(published?.to, '192.168.70.6');
    assert.ok((published?.port ?? 0) >= 32768, String(published?.port));
    assert.equal(published?.verdict, 'delivered');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
