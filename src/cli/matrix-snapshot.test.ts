import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { formatDestination } from '../matrix/header.ts';
import { diffSides, runDiff } from './diff.ts';
import { computeMatrix } from './matrix.ts';

const SNAPSHOT = 'fixtures/snapshots/two-networks-20.10.json';
const base = { dockerVersion: '20.10' };

test('matrix --snapshot: the recorded host, each container behind its bridge, the LAN beside it', async () => {
  const m = await computeMatrix({ ...base, daemonOptions: [], snapshot: SNAPSHOT });
  const cell = (from: string, to: string) =>
    m.cells.find((c) => c.from === from && formatDestination(c) === to);
  assert.equal(cell('the external client', '192.168.70.6:8080')?.verdict, 'delivered');
  // 20.10's docker-proxy listens on the host: the host reaches its own published port.
  assert.equal(cell('the host', '192.168.70.6:8080')?.verdict, 'delivered');
  assert.equal(cell('api', 'db')?.verdict, 'delivered');
  const cross = cell('web', 'db');
  assert.equal(cross?.verdict, 'timeout');
  assert.equal(cross?.rule?.chain, 'DOCKER-ISOLATION-STAGE-2');
});

test('diff of two snapshots, and of a snapshot with --apply (iptables lines only)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nettwin-matrix-'));
  try {
    const snapshot = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as { iptables: { save: string } };
    // The later recording: someone added a DOCKER-USER rule for the LAN.
    snapshot.iptables.save = snapshot.iptables.save.replace(
      /^(\[\d+:\d+\] -A DOCKER-USER -j RETURN)$/m,
      '[0:0] -A DOCKER-USER -i eth0 -p tcp -m tcp --dport 80 -j DROP\n$1',
    );
    assert.match(snapshot.iptables.save, /--dport 80 -j DROP/);
    const after = path.join(dir, 'after.json');
    writeFileSync(after, JSON.stringify(snapshot));
    const [step] = await runDiff(diffSides({ ...base, snapshot: SNAPSHOT, againstSnapshot: after }));
    assert.equal(step?.after, after);
    assert.deepEqual(
      step?.changes.map((c) => [
        c.from,
        formatDestination(c),
        c.before?.verdict,
        c.after?.verdict,
        c.after?.rule?.chain,
      ]),
      [['the external client', '192.168.70.6:8080', 'delivered', 'timeout', 'DOCKER-USER']],
    );
    const fix = path.join(dir, 'fix.sh');
    writeFileSync(fix, '# under review\niptables -I DOCKER-USER -i eth0 -p tcp --dport 80 -j DROP\n');
    const [applied] = await runDiff(diffSides({ ...base, snapshot: SNAPSHOT, apply: fix }));
    assert.deepEqual(applied?.changes, step?.changes);
    writeFileSync(fix, 'ufw enable\n');
    await assert.rejects(
      runDiff(diffSides({ ...base, snapshot: SNAPSHOT, apply: fix })),
      /fix\.sh:1: ufw enable: with --snapshot, --apply takes iptables lines only/,
    );
    assert.throws(
      () => diffSides({ ...base, snapshot: SNAPSHOT, againstDockerVersion: ['28.5'] }),
      /a snapshot is the host as recorded/,
    );
    assert.throws(() => diffSides({ ...base, compose: 'x', againstSnapshot: after }), /give --snapshot FILE/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
