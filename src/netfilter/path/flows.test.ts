import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { synSegment, type TcpShape, tcpClosing, tcpOpening } from './flows.ts';

function totals(shape: TcpShape) {
  const all = [synSegment(), ...tcpOpening(shape), ...tcpClosing(shape)];
  const side = (s: 'client' | 'server') => {
    const segs = all.filter((x) => x.from === s);
    return { packets: segs.length, bytes: segs.reduce((n, x) => n + x.length, 0) };
  };
  return { client: side('client'), server: side('server') };
}

describe('TCP segment plans', () => {
  it('echo hi | nc: 5 client packets / 271 bytes, 3 server packets / 164 bytes (ground truth e2)', () => {
    const t = totals({ requestBytes: 3, responseBytes: 0, responseSegments: 1, closer: 'client' });
    assert.deepEqual(t.client, { packets: 5, bytes: 271 });
    assert.deepEqual(t.server, { packets: 3, bytes: 164 });
  });
  it('curl → busybox httpd: 6 + 6 packets, 401 and 533 bytes (ground truth e3)', () => {
    const t = totals({ requestBytes: 81, responseBytes: 213, responseSegments: 2, closer: 'server' });
    assert.deepEqual(t.client, { packets: 6, bytes: 401 });
    assert.deepEqual(t.server, { packets: 6, bytes: 533 });
  });
  it('an empty connection is the handshake and the close', () => {
    const t = totals({ requestBytes: 0, responseBytes: 0, responseSegments: 1, closer: 'client' });
    assert.deepEqual(t.client, { packets: 4, bytes: 60 + 3 * 52 });
    assert.deepEqual(t.server, { packets: 2, bytes: 60 + 52 });
  });
});
