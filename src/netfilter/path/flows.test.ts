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
    const t = totals({
      requestBytes: 3,
      responseBytes: 0,
      responseSegments: 1,
      closer: 'client',
      quickAck: false,
    });
    assert.deepEqual(t.client, { packets: 5, bytes: 271 });
    assert.deepEqual(t.server, { packets: 3, bytes: 164 });
  });
  it('curl → busybox httpd: 6 + 6 packets, 401 and 533 bytes (ground truth e3)', () => {
    const t = totals({
      requestBytes: 81,
      responseBytes: 213,
      responseSegments: 2,
      closer: 'server',
      quickAck: false,
    });
    assert.deepEqual(t.client, { packets: 6, bytes: 401 });
    assert.deepEqual(t.server, { packets: 6, bytes: 533 });
  });
  it('quick ACKs, echo hi | nc: the server ACKs the FIN before its own (5 + 4 packets)', () => {
    const shape = { requestBytes: 3, responseBytes: 0, responseSegments: 1, closer: 'client' as const };
    const t = totals({ ...shape, quickAck: true });
    assert.deepEqual(t.client, { packets: 5, bytes: 60 + 52 + 55 + 52 + 52 });
    assert.deepEqual(t.server, { packets: 4, bytes: 60 + 3 * 52 });
  });
  it('quick ACKs, curl → one-segment response: each server segment ACKed (6 + 5 packets)', () => {
    const shape = { requestBytes: 81, responseBytes: 50, responseSegments: 1, closer: 'server' as const };
    const t = totals({ ...shape, quickAck: true });
    assert.deepEqual(t.client, { packets: 6, bytes: 60 + 52 + 133 + 3 * 52 });
    assert.deepEqual(t.server, { packets: 5, bytes: 60 + 52 + 102 + 52 + 52 });
    const plan = [...tcpOpening({ ...shape, quickAck: true }), ...tcpClosing({ ...shape, quickAck: true })];
    assert.ok(plan.every((s) => s.mayRepeat === undefined));
  });
  it('quick ACKs, a response in 2 segments: 2 ACKs, none left to timing', () => {
    const shape = { requestBytes: 81, responseBytes: 213, responseSegments: 2, closer: 'server' as const };
    const closing = tcpClosing({ ...shape, quickAck: true });
    assert.deepEqual(
      closing.map((s) => `${s.from} ${s.label}`),
      [
        'server response 1/2',
        'client ACK of response 1/2',
        'server response 2/2',
        'client ACK of response 2/2',
        'server FIN',
        'client ACK of FIN',
        'client FIN',
        'server last ACK',
      ],
    );
  });
  it('an empty connection is the handshake and the close', () => {
    const t = totals({
      requestBytes: 0,
      responseBytes: 0,
      responseSegments: 1,
      closer: 'client',
      quickAck: false,
    });
    assert.deepEqual(t.client, { packets: 4, bytes: 60 + 3 * 52 });
    assert.deepEqual(t.server, { packets: 2, bytes: 60 + 52 });
  });
});
