import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TwinMismatchError } from '../../src/backends/twin.ts';
import type { CounterDelta } from '../../src/netfilter/types.ts';
import { isolationDropPath } from '../../src/report/sample-paths.test-helper.ts';
import { attachMismatch, attachObservation } from './report-attachments.ts';

interface Attached {
  data: string | Buffer;
  mediaType: string;
  fileName?: string;
}

/** A World that keeps what steps attach. */
function world(): { attached: Attached[]; attach: (data: unknown, options?: unknown) => Promise<void> } {
  const attached: Attached[] = [];
  return {
    attached,
    attach: async (data, options) => {
      const o = typeof options === 'string' ? { mediaType: options } : (options as Omit<Attached, 'data'>);
      attached.push({ data: data as string | Buffer, ...o });
    },
  };
}

const drop: CounterDelta = {
  table: 'filter',
  chain: 'DOCKER-ISOLATION-STAGE-2',
  rule: 1,
  text: '-A DOCKER-ISOLATION-STAGE-2 -o test_web -j DROP',
  packets: 3,
  bytes: 252,
};

test('a traffic step attaches its picture base64-encoded and its counter table as a one-line log', async () => {
  const w = world();
  await attachObservation(w as never, {
    kind: 'ping',
    description: '"test1" pings 172.30.0.2 3 times',
    hostCounters: [{ framework: 'iptables-nft', family: 'ipv4', rows: [drop] }],
    path: isolationDropPath(),
  });
  const [picture, table] = w.attached;
  assert.equal(picture?.mediaType, 'image/svg+xml');
  assert.ok(
    Buffer.isBuffer(picture?.data),
    'a Buffer: cucumber sends it BASE64, which the formatter displays',
  );
  assert.match(picture.data.toString('utf8'), /^<svg xmlns=/);
  assert.equal(picture.fileName, 'packet path of "test1" pings 172.30.0.2 3 times.svg');
  assert.equal(table?.mediaType, 'text/x.cucumber.log+plain');
  assert.match(String(table?.data), /^<table class="nettwin-counters"/);
  assert.doesNotMatch(String(table?.data), /\n/, 'no stray lines in the <pre> the report puts a log in');
  assert.equal(w.attached.length, 2);
});

test('a real-vs-model disagreement attaches the failure summary with its counter table, then the path', async () => {
  const w = world();
  const error = new TwinMismatchError({
    action: 'ping from container "test1" to 172.30.0.2 ×3',
    connectivity: [{ field: 'received', real: 0, model: 3 }],
    realCounters: [drop],
    modelCounters: [],
    counterOptions: { protocol: 'icmp' },
    flow: { verdict: 'dropped', sent: 3, delivered: 0, counters: [], path: isolationDropPath() } as never,
  });
  await attachMismatch(w, error, {
    uri: 'features/isolation.feature',
    line: 12,
    text: 'When "test1" pings "test3" 3 times',
  });
  const [summary, picture] = w.attached;
  assert.equal(summary?.mediaType, 'text/x.cucumber.log+plain');
  const html = String(summary?.data);
  assert.match(html, /<table class="nettwin-counters"/);
  assert.match(html, /real counted, model did not/);
  assert.match(html, /features\/isolation\.feature:12/);
  assert.equal(picture?.mediaType, 'image/svg+xml');
  assert.ok(Buffer.isBuffer(picture?.data));
});

test('any other error, or no World, attaches nothing', async () => {
  const w = world();
  await attachMismatch(w, new Error('boom'));
  await attachMismatch(undefined, new TwinMismatchError({ action: 'x' }));
  assert.equal(w.attached.length, 0);
});
