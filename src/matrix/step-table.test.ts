import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatDestination, formatVerdict } from './header.ts';
import { parseStepTable } from './step-table.ts';
import { MatrixSyntaxError, VERDICTS } from './types.ts';

test('reads sources, destinations, expectations and skipped pairs', () => {
  const t = parseStepTable(
    [
      ['from → to', 'web', 'web:80', 'dns:53/udp', '<host ip>:8080', 'the external client'],
      ['"client"', '✓', '✗', 'timeout', '✓', '✓'],
      ['the external client', 'unreachable', 'refused', '-', '✓', '-'],
    ],
    (w) => w.replace('<host ip>', '192.168.70.6'),
  );
  assert.deepEqual(t.sources, ['client', 'the external client']);
  assert.deepEqual(t.destinations, ['web', 'web:80', 'dns:53/udp', '<host ip>:8080', 'the external client']);
  assert.deepEqual(t.skipped, [
    [1, 2],
    [1, 4],
  ]);
  assert.equal(t.cells.length, 8);
  assert.deepEqual(t.cells[0], {
    row: 0,
    column: 0,
    source: { kind: 'container', name: 'client' },
    destination: { to: 'web', port: null, proto: 'icmp' },
    expected: 'delivered',
  });
  assert.deepEqual(t.cells[1]?.expected, 'blocked');
  assert.deepEqual(t.cells[2]?.destination, { to: 'dns', port: 53, proto: 'udp' });
  assert.deepEqual(t.cells[3]?.destination, { to: '192.168.70.6', port: 8080, proto: 'tcp' });
  assert.deepEqual(t.cells[5]?.source, { kind: 'external' });
  assert.equal(t.cells[5]?.expected, 'unreachable');
});

test('errors name the row and column and what is accepted', () => {
  const bad = (raw: string[][], pattern: RegExp) =>
    assert.throws(
      () => parseStepTable(raw),
      (e: unknown) => e instanceof MatrixSyntaxError && pattern.test(e.message),
    );
  bad([['from']], /header row of destinations/);
  bad([['from', 'web']], /one row per source/);
  bad(
    [
      ['from', 'web:99999'],
      ['a', '✓'],
    ],
    /header, row 1, column 2: .*port 99999/,
  );
  bad(
    [
      ['from', 'web', 'web'],
      ['a', '✓', '✓'],
    ],
    /"web" is there twice/,
  );
  bad(
    [
      ['from', 'web'],
      ['a', 'maybe'],
    ],
    /row 2, column 2 \("a" → web\): "maybe" is not a cell.*or -: not probed/,
  );
  bad(
    [
      ['from', 'web'],
      ['a b', '✓'],
    ],
    /row 2, column 1: "a b" is not a source/,
  );
  bad(
    [
      ['from', 'web'],
      ['a', '✓'],
      ['a', '✗'],
    ],
    /source "a" is there twice/,
  );
  bad(
    [
      ['from', ''],
      ['a', '✓'],
    ],
    /empty: name a destination/,
  );
  // The LAN machines meet past the host: `-` there, not a verdict.
  bad(
    [
      ['from', 'the external client'],
      ['the neighbour', '✓'],
    ],
    /row 2, column 2 \("the neighbour" → the external client\): .*meet on the LAN.*write - there/,
  );
  bad(
    [
      ['from', 'the neighbour'],
      ['the neighbour', 'timeout'],
    ],
    /"the neighbour" to itself never leaves it/,
  );
});

test('the neighbour: a row and a column like the external client; `-` where it meets the external client', () => {
  const t = parseStepTable([
    ['from → to', 'web:80', 'the neighbour', 'the external client'],
    ['web', '✓', '✓', '✓'],
    ['the neighbour', 'timeout', '-', '-'],
    ['the external client', 'unreachable', '-', '-'],
  ]);
  assert.deepEqual(t.cells[1]?.destination, { to: 'the neighbour', port: null, proto: 'icmp' });
  assert.deepEqual(t.cells[3]?.source, { kind: 'neighbour' });
  assert.equal(t.cells[3]?.expected, 'timeout');
  assert.equal(t.cells.length, 5);
});

const name = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,8}$/);
const destination = fc.oneof(
  name.map((to) => ({ to, port: null, proto: 'icmp' as const })),
  fc.record({
    to: name,
    port: fc.integer({ min: 1, max: 65535 }),
    proto: fc.constantFrom('tcp' as const, 'udp' as const),
  }),
);

test('property: a table written from cells reads back as those cells', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(destination, { minLength: 1, maxLength: 4, selector: formatDestination }),
      fc.uniqueArray(name, { minLength: 1, maxLength: 4 }),
      fc.array(fc.constantFrom(...VERDICTS, 'blocked' as const, 'skip' as const), {
        minLength: 16,
        maxLength: 16,
      }),
      (dests, sources, cells) => {
        const raw = [
          ['from → to', ...dests.map(formatDestination)],
          ...sources.map((s, r) => [
            s,
            ...dests.map((_, c) => {
              const e = cells[r * 4 + c] ?? 'skip';
              return e === 'skip' ? '-' : e === 'blocked' ? '✗' : formatVerdict(e);
            }),
          ]),
        ];
        const t = parseStepTable(raw);
        assert.deepEqual(t.sources, sources);
        for (const cell of t.cells) {
          const e = cells[cell.row * 4 + cell.column];
          assert.equal(cell.expected, e);
          assert.deepEqual(cell.destination, { ...dests[cell.column] });
          assert.deepEqual(cell.source, { kind: 'container', name: sources[cell.row] });
        }
        assert.equal(t.cells.length + t.skipped.length, sources.length * dests.length);
      },
    ),
  );
});
