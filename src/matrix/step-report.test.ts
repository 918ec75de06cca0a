import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProbedCell } from './step-probe.ts';
import { judgeCell, judgeStep } from './step-report.ts';
import { parseStepTable } from './step-table.ts';

const raw = [
  ['from → to', 'web', 'web:80', 'dns:53/udp'],
  ['client', '✓', '✗', 'timeout'],
  ['the external client', 'unreachable', 'refused', '-'],
];
const dropRule = {
  table: 'raw',
  chain: 'PREROUTING',
  text: '-A PREROUTING -d 172.18.0.2/32 ! -i br-x -j DROP',
};
const model = (verdict: ProbedCell['real'] & string, rule = dropRule) => ({ verdict, rule, path: [] });

test('a cell matches by ✓/✗ or by its precise outcome; twin compares TCP precisely, ICMP and UDP by delivered', () => {
  assert.deepEqual(judgeCell('blocked', { real: 'refused' }, 'tcp'), { expectedOk: true, twinOk: true });
  assert.deepEqual(judgeCell('refused', { real: 'timeout' }, 'tcp'), { expectedOk: false, twinOk: true });
  assert.deepEqual(judgeCell('timeout', { real: 'timeout', model: model('refused') }, 'tcp'), {
    expectedOk: true,
    twinOk: false,
  });
  assert.deepEqual(judgeCell('blocked', { real: 'unreachable', model: model('timeout') }, 'icmp'), {
    expectedOk: true,
    twinOk: true,
  });
  assert.deepEqual(judgeCell('delivered', { real: 'delivered', model: model('timeout') }, 'udp'), {
    expectedOk: true,
    twinOk: false,
  });
  // On the model the prediction is what is judged.
  assert.deepEqual(judgeCell('delivered', { model: model('delivered') }, 'icmp'), {
    expectedOk: true,
    twinOk: true,
  });
  assert.deepEqual(judgeCell('delivered', {}, 'icmp').expectedOk, false);
});

test('all as expected: passes, and says so with the matrix', () => {
  const t = parseStepTable(raw);
  const v = judgeStep(
    t,
    [
      { real: 'delivered' },
      { real: 'timeout' },
      { real: 'timeout' },
      { real: 'unreachable' },
      { real: 'refused' },
    ],
    'dind',
  );
  assert.equal(v.failed, false);
  assert.equal(v.differing, 0);
  assert.match(
    v.text,
    /^all 5 cells as expected:\n\| from → to {11}\| web {9}\| web:80 {2}\| dns:53\/udp \|/,
  );
  assert.match(v.text, /\| the external client \| unreachable \| refused \| - {10}\|/);
});

test('a failure prints the whole matrix, marks the differing cells, and names rule and real outcome', () => {
  const t = parseStepTable(raw);
  const v = judgeStep(
    t,
    [
      {
        real: 'delivered',
        model: model('delivered', { table: 'filter', chain: 'DOCKER', text: '-A DOCKER -j ACCEPT' }),
      },
      {
        real: 'delivered',
        model: model('delivered', { table: 'filter', chain: 'DOCKER', text: '-A DOCKER -j ACCEPT' }),
      },
      { real: 'timeout', model: model('timeout') },
      { real: 'unreachable', model: model('unreachable') },
      { real: 'timeout', model: model('refused') },
    ],
    'twin',
  );
  assert.equal(v.failed, true);
  assert.equal(v.differing, 2);
  assert.deepEqual(
    v.cells.map((c) => c.expectedOk && c.twinOk),
    [true, false, true, true, false],
  );
  const lines = v.text.split('\n');
  assert.match(
    lines[0] ?? '',
    /^2 of 5 cells differ \(the real host's verdicts; \* not as expected, ! the real host and the model disagree\):$/,
  );
  assert.match(lines[2] ?? '', /^\| client +\| ✓ +\| ✓ \* +\| timeout +\|$/);
  assert.match(lines[3] ?? '', /^\| the external client \| unreachable \| timeout \*! \| - +\|$/);
  assert.equal(
    lines[4],
    '* client → web:80: expected ✗; the real host: delivered; the model: delivered, decided by filter DOCKER: -A DOCKER -j ACCEPT',
  );
  assert.equal(
    lines[5],
    '*! the external client → web:80: expected refused; the real host: timeout; the model: refused, decided by raw PREROUTING: -A PREROUTING -d 172.18.0.2/32 ! -i br-x -j DROP',
  );
});

test('a cell no rule decided says so', () => {
  const t = parseStepTable([
    ['from', 'web:81'],
    ['client', '✓'],
  ]);
  const reason = 'web: nothing listens on tcp port 81: RST';
  const v = judgeStep(t, [{ model: { verdict: 'refused', rule: null, reason, path: [] } }], 'model');
  assert.match(v.text, /the model backend's verdicts/);
  assert.match(v.text, /the model: refused, decided by no rule: web: nothing listens on tcp port 81: RST$/);
  const w = judgeStep(t, [{ model: { verdict: 'timeout', rule: null, path: [] } }], 'model');
  assert.match(w.text, /the model: timeout, decided by no rule \(nothing filtered it\)$/);
});
