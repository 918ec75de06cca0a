import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffMatrices, renderDiffMarkdown, renderDiffTerminal } from './diff.ts';
import { parseDestination, parseExpected, parseSource } from './header.ts';
import { grid, renderExplain, renderGherkin, renderJson, renderMarkdown, renderTerminal } from './render.ts';
import type { Cell, Matrix } from './types.ts';

const accept = { table: 'filter', chain: 'DOCKER', text: '-A DOCKER -d 172.18.0.2/32 -j ACCEPT' };
const rawDrop = {
  table: 'raw',
  chain: 'PREROUTING',
  text: '-A PREROUTING -d 172.18.0.2/32 ! -i br-x -j DROP',
};
const cell = (
  from: string,
  to: string,
  port: number | null,
  verdict: Cell['verdict'],
  rule: Cell['rule'] = null,
): Cell => ({
  from,
  to,
  port,
  proto: port === null ? 'icmp' : 'tcp',
  verdict,
  rule,
});
const before: Matrix = {
  cells: [
    cell('the external client', 'web', 80, 'delivered', accept),
    cell('api', 'the external client', null, 'timeout'),
    cell('api', 'web', 80, 'delivered', accept),
    cell('the external client', '192.168.70.6', 9090, 'refused'),
  ],
};
const after: Matrix = {
  cells: [
    { ...cell('the external client', 'web', 80, 'timeout', rawDrop), reason: 'x' },
    cell('api', 'the external client', null, 'unreachable'),
    cell('api', 'web', 80, 'delivered', { ...accept, chain: 'DOCKER-FORWARD' }),
    cell('the host', '127.0.0.1', 9090, 'delivered'),
  ],
};

test('the grid: sources down; containers, then addresses, then the fixed actors across', () => {
  const g = grid(before);
  assert.deepEqual(g.rows, ['the external client', 'api']);
  assert.deepEqual(g.columns, ['web:80', '192.168.70.6:9090', 'the external client']);
  assert.equal(g.at('api', 'web:80')?.verdict, 'delivered');
  assert.equal(g.at('api', '192.168.70.6:9090'), undefined);
});

test('terminal and Markdown tables show ✓ and the outcomes; a Gherkin table reads back with the step parsers', () => {
  const t = renderTerminal(before);
  assert.match(t, /^from \\ to {12}web:80 {2}192\.168\.70\.6:9090 {2}the external client\n/);
  assert.match(t, /\napi {18}✓ {7}· {18}timeout\n$/);
  const md = renderMarkdown(before).split('\n');
  assert.equal(md[0], '| from \\ to           | web:80 | 192.168.70.6:9090 | the external client |');
  assert.match(md[1] ?? '', /^\|-+\|-+\|-+\|-+\|$/);
  const rows = renderGherkin(before)
    .trimEnd()
    .split('\n')
    .map((l) =>
      l
        .trim()
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  const [header = [], ...body] = rows;
  const back: Cell[] = [];
  for (const r of body)
    for (const [i, text] of r.entries()) {
      if (i === 0 || text === '-') continue;
      const d = parseDestination(header[i] ?? '');
      const s = parseSource(r[0] ?? '');
      assert.equal(s.kind === 'container' ? s.name : r[0], r[0]);
      back.push({ from: r[0] ?? '', ...d, verdict: parseExpected(text) as Cell['verdict'], rule: null });
    }
  const key = (c: Cell) => `${c.from}|${c.to}|${c.port}|${c.proto}|${c.verdict}`;
  assert.deepEqual(back.map(key).sort(), before.cells.map(key).sort());
});

test('JSON: exactly {cells:[{from,to,port,proto,verdict,rule}]}', () => {
  const json = JSON.parse(renderJson(before)) as { cells: Array<Record<string, unknown>> };
  assert.deepEqual(Object.keys(json.cells[0] ?? {}), ['from', 'to', 'port', 'proto', 'verdict', 'rule']);
  assert.deepEqual(json.cells[0]?.rule, accept);
  assert.equal(json.cells[1]?.rule, null);
});

test('explain lists blocked cells only, with rule or reason and path', () => {
  const m: Matrix = {
    cells: [...before.cells, { ...cell('a', 'b', 1, 'timeout', rawDrop), path: ['packet 1 (request)'] }],
  };
  const text = renderExplain(m);
  assert.doesNotMatch(text, /→ web:80/);
  assert.match(
    text,
    /a → b:1: timeout, decided by raw PREROUTING: -A PREROUTING -d 172\.18\.0\.2\/32 ! -i br-x -j DROP\n {2}packet 1 \(request\)\n/,
  );
  assert.match(text, /api → the external client: timeout, decided by no rule\n/);
  assert.equal(renderExplain({ cells: [before.cells[0] as Cell] }), 'every cell is delivered\n');
});

test('diff: only cells whose verdict changed or that one side lacks, each with both rules', () => {
  const changes = diffMatrices(before, after);
  assert.deepEqual(
    changes.map((c) => `${c.from}→${c.to}:${c.port} ${c.before?.verdict ?? '-'}→${c.after?.verdict ?? '-'}`),
    [
      'the external client→web:80 delivered→timeout',
      'api→the external client:null timeout→unreachable',
      'the external client→192.168.70.6:9090 refused→-',
      'the host→127.0.0.1:9090 -→delivered',
    ],
  );
  assert.deepEqual(changes[0]?.before?.rule, accept);
  assert.deepEqual(changes[0]?.after?.rule, rawDrop);
  // --rules: the cell whose verdict stays but whose rule moved to another chain.
  const rules = diffMatrices(before, after, { rules: true });
  assert.equal(rules.length, 5);
  assert.equal(rules.find((c) => c.from === 'api' && c.to === 'web')?.after?.rule?.chain, 'DOCKER-FORWARD');
  assert.deepEqual(diffMatrices(before, before, { rules: true }), []);
  const text = renderDiffTerminal(changes, { before: 'Docker 20.10', after: 'Docker 28.5' });
  assert.match(
    text,
    /the external client → web:80: ✓ → timeout\n {6}Docker 20\.10: filter DOCKER: -A DOCKER -d 172\.18\.0\.2\/32 -j ACCEPT\n {6}Docker 28\.5: raw PREROUTING: -A PREROUTING/,
  );
  assert.match(text, /refused → \(no such cell\)/);
  assert.equal(renderDiffTerminal([], { before: 'a', after: 'b' }), 'a → b: no cell changes\n');
  assert.match(
    renderDiffMarkdown(changes, { before: 'a', after: 'b' }),
    /\| the external client \| web:80 \| ✓ \| timeout \| `filter DOCKER: -A DOCKER/,
  );
});
