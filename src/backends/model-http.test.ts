import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import {
  busyboxResponseBytes,
  curlGetRequestBytes,
  httpResponse,
  NETTWIN_TRAFFIC,
  ncPayloadBytes,
  RECORDED_TRAFFIC,
  servedFile,
  synAttemptsWithin,
} from './model-http.ts';

// Ground truth e3 "external client GETs host:8080": client 6 packets / 401 bytes,
// server 6 packets / 533 bytes; SYN and SYN-ACK 60 bytes, every other segment 52 + payload.
const clientBytes = 401 - 60 - 5 * 52;
const serverBytes = 533 - 60 - 5 * 52;

test('curl GET request size matches ground truth e3', () => {
  assert.equal(curlGetRequestBytes(new URL('http://192.168.70.6:8080/')), clientBytes);
});

test('the Host header leaves out the default port', () => {
  assert.equal(
    curlGetRequestBytes(new URL('http://192.168.70.6:80/')),
    curlGetRequestBytes(new URL('http://192.168.70.6:8080/')) - ':8080'.length,
  );
});

test('busybox httpd response size for "hello" matches ground truth e3', () => {
  assert.equal(busyboxResponseBytes(servedFile('hello')), serverBytes);
});

test('the workload CGI answers "hello" in 50 bytes: one segment, the tcpdump of a DinD host', () => {
  // Measured: `S80P.50` (status line 17, Content-Type 25, blank line 2, "hello\n" 6).
  assert.equal(NETTWIN_TRAFFIC.httpResponseBytes('hello'), 50);
  assert.equal(NETTWIN_TRAFFIC.httpResponseSegments, 1);
  assert.match(httpResponse('hello'), /^HTTP\/1\.0 200 OK\r\n/);
  // No Content-Length: curl reads to the server's FIN, so the server always closes first.
  assert.doesNotMatch(httpResponse('hello'), /Content-Length/i);
  assert.equal(RECORDED_TRAFFIC.httpResponseBytes('hello'), serverBytes);
});

test('nc payload carries echo\'s newline (ground truth e2: "hi" is 3 bytes)', () => {
  // e2: client 5 packets / 271 bytes = SYN 60 + 4 × 52 + payload.
  assert.equal(ncPayloadBytes('hi'), 271 - 60 - 4 * 52);
});

describe('synAttemptsWithin', () => {
  it('counts SYNs at 0, 1, 2 s on kernels with linear SYN timeouts (6.5+)', () => {
    assert.equal(synAttemptsWithin(2.5, 4), 3);
  });
  it('counts SYNs at 0, 1, 3, 7 s on kernels that back off from the start', () => {
    assert.equal(synAttemptsWithin(2.5, 0), 2);
    assert.equal(synAttemptsWithin(3.5, 0), 3);
    assert.equal(synAttemptsWithin(7.5, 0), 4);
  });
  it('backs off only after the linear retransmits', () => {
    // One linear timeout: SYNs at 0, 1, 2, then 2 + 2 = 4.
    assert.equal(synAttemptsWithin(3.5, 1), 3);
    assert.equal(synAttemptsWithin(4.5, 1), 4);
  });
});
