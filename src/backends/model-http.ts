/**
 * Payload sizes of the traffic the workload image really sends, so the model's TCP
 * counters come out in bytes, not just packets, and the shape of each conversation.
 *
 * Today's servers and clients (TrafficProfile NETTWIN_TRAFFIC) talk in a fixed number of
 * segments: see httpResponse() and the `quickack` routes (src/dind/quickack.ts). The
 * ground truth was recorded before that (RECORDED_TRAFFIC), with busybox httpd serving a
 * file and delayed ACKs:
 *
 * Calibrated on ground truth e3 "external client GETs host:8080": client → server
 * 6 packets / 401 bytes, server → client 6 packets / 533 bytes for a page holding
 * "hello\n". With Linux TCP timestamps (SYN 60 bytes, other segments 52 + payload) and
 * busybox httpd answering in two segments and closing first, that leaves 81 request
 * bytes (401 − 60 − 5×52) and 213 response bytes (533 − 60 − 5×52). Both are what the
 * formulas below give:
 *
 * - curl 7.88 `GET /` : "GET / HTTP/1.1\r\nHost: 192.168.70.6:8080\r\n"
 *   "User-Agent: curl/7.88.1\r\nAccept: (star/star)\r\n\r\n" = 81 bytes (the Host header omits
 *   ":80" for the default port).
 * - busybox 1.35 httpd 200 for a static file: status line, Date, Connection: close,
 *   Content-type: text/html, Accept-Ranges, Last-Modified, ETag "<mtime hex>-<size hex>",
 *   Content-Length, blank line = 205 bytes + hex digits + decimal digits of the size, then
 *   the body: "hello\n" → 205 + 1 + 1 + 6 = 213.
 * - `echo PAYLOAD | nc -q 1 …` sends the payload and a newline (e2: "hi" → 3 bytes).
 *
 * Dates are fixed-width (RFC 1123) and the mtime is 8 hex digits until 2038, so the
 * sizes are exact; HTTP_BYTE_TOLERANCE allows for other curl/busybox builds.
 */

export const CURL_USER_AGENT = 'curl/7.88.1';

/** Allowed per-row byte difference for HTTP steps (compare/counter-compare.ts). */
export const HTTP_BYTE_TOLERANCE = 16;

/** Segments busybox httpd answers a static file in: headers, then the file. */
export const BUSYBOX_RESPONSE_SEGMENTS = 2;

/**
 * What a workload container's HTTP server answers (src/backends/dind.ts): busybox httpd
 * runs a CGI that prints this whole response with one write, and busybox passes CGI
 * output that starts with "HTTP" through unchanged, in one write: one segment, since
 * nothing of the server is unacknowledged then (Nagle and autocorking hold nothing).
 * No Content-Length, so curl reads until the server's FIN: the server always closes
 * first. (Serving a file, busybox writes headers and body apart and curl may close first
 * as soon as Content-Length bytes arrived: both timing, measured on DinD hosts.)
 */
export function httpResponse(body: string): string {
  return `HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n${servedFile(body)}`;
}

/** How the programs of a host talk TCP: what the model predicts for an HTTP request. */
export interface TrafficProfile {
  /** Payload bytes of the response to a GET for `body`. */
  httpResponseBytes(body: string): number;
  /** Segments that response takes. */
  httpResponseSegments: number;
  /** Every route of every endpoint has `quickack 1` (FlowSpec.quickAck). */
  quickAck: boolean;
}

/** nettwin's hosts: the one-write CGI response, quick ACKs everywhere. */
export const NETTWIN_TRAFFIC: TrafficProfile = {
  httpResponseBytes: (body) => Buffer.byteLength(httpResponse(body)),
  httpResponseSegments: 1,
  quickAck: true,
};

/** The ground-truth recordings (e2, e3): busybox httpd serving a file, delayed ACKs. */
export const RECORDED_TRAFFIC: TrafficProfile = {
  httpResponseBytes: (body) => busyboxResponseBytes(servedFile(body)),
  httpResponseSegments: BUSYBOX_RESPONSE_SEGMENTS,
  quickAck: false,
};

export function curlGetRequestBytes(url: URL): number {
  const host = url.port ? `${url.hostname}:${url.port}` : url.hostname;
  const path = `${url.pathname || '/'}${url.search}`;
  const request = `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${CURL_USER_AGENT}\r\nAccept: */*\r\n\r\n`;
  return Buffer.byteLength(request);
}

/** The file a workload container serves: the body written with `echo`, so with a newline. */
export function servedFile(body: string): string {
  return `${body}\n`;
}

export function busyboxResponseBytes(file: string): number {
  const size = Buffer.byteLength(file);
  const headers = 205 + size.toString(16).length + String(size).length;
  return headers + size;
}

/** `echo PAYLOAD | nc …`: the payload and echo's newline. */
export function ncPayloadBytes(payload: string): number {
  return Buffer.byteLength(payload) + 1;
}

/**
 * How long the clients wait for a connection: `curl -m 2.5`, and nc under
 * `timeout 2.5`. Half a second away from every SYN retransmission time of both
 * schedules below, so the number of SYNs does not depend on timing.
 */
export const CLIENT_WAIT_SECONDS = 2.5;

/**
 * Linux since 6.5 retransmits the first `net.ipv4.tcp_syn_linear_timeouts` (default
 * 4) SYNs after the initial 1 s RTO without backoff, then doubles it; older kernels
 * double from the start. SYNs sent before `seconds` run out: 0, 1, 2, … or 0, 1, 3, 7 ….
 */
export function synAttemptsWithin(seconds: number, linearTimeouts: number): number {
  let at = 0;
  let rto = 1;
  let sent = 0;
  for (let retransmit = 0; at < seconds; retransmit++) {
    sent++;
    at += rto;
    if (retransmit >= linearTimeouts) rto *= 2;
  }
  return sent;
}

/** The default of `net.ipv4.tcp_syn_linear_timeouts` on the kernels that have it. */
export const DEFAULT_SYN_LINEAR_TIMEOUTS = 4;
