/**
 * Packet sizes of the flows, as Linux sends them (IP header included: that is what
 * iptables counters add).
 *
 * - ICMP echo (default ping, 56 data bytes): request and reply 84 bytes each.
 * - TCP with timestamps (Linux default): SYN and SYN-ACK 60 bytes, every other segment
 *   52 + payload. Checked against ground truth e2 "test1 connects to test3:9000"
 *   (`echo hi | nc`: client 5 packets 271 bytes = 60+52+55+52+52, server 3 packets
 *   164 bytes = 60+52+52) and e3's HTTP steps (curl → busybox httpd: 6 + 6 packets;
 *   the server answers in 2 segments and closes first).
 * - Which ACKs exist depends on the endpoints' ACK mode (TcpShape.quickAck). Linux
 *   delays ACKs (up to 40 ms+) once a connection looks interactive, so whether an ACK
 *   goes alone or rides on the next segment is timing: the recordings above show it.
 *   With the route attribute `quickack 1` (nettwin's hosts set it on every route of
 *   every client and server) the kernel ACKs each received segment at once, in the
 *   softirq that received it: every data segment and every FIN gets an ACK of its own.
 * - A RST answering a SYN carries no options: 40 bytes.
 * - UDP: 28 + payload. ICMP errors: 28 + the offending datagram (up to 576 in all).
 */

export const ICMP_ECHO_BYTES = 84;
export const TCP_SYN_BYTES = 60;
export const TCP_SEGMENT_BYTES = 52;
export const TCP_RST_BYTES = 40;
export const UDP_HEADER_BYTES = 28;

export function icmpErrorBytes(offendingLength: number): number {
  return 28 + Math.min(offendingLength, 576 - 28);
}

/**
 * IPv6: the header is 40 bytes instead of 20, so every packet of a flow is 20 bytes
 * longer (ping -6: 40 + 8 + 56 = 104; a SYN with options 80).
 */
export const IPV6_EXTRA_BYTES = 20;
export const ICMPV6_ECHO_BYTES = ICMP_ECHO_BYTES + IPV6_EXTRA_BYTES;

/** ICMPv6 errors: 48 + as much of the offending packet as fits in 1280 bytes (RFC 4443). */
export function icmpv6ErrorBytes(offendingLength: number): number {
  return 48 + Math.min(offendingLength, 1280 - 48);
}

export type Side = 'client' | 'server';

export interface Segment {
  from: Side;
  /** Flag names as tcpdump would list them. */
  flags: Array<'SYN' | 'ACK' | 'FIN' | 'PSH' | 'RST'>;
  payload: number;
  length: number;
  label: string;
  /**
   * Copies of this segment a real kernel may send on top, depending on timing: with
   * delayed ACKs, the client ACKs a response of n segments once or up to n times
   * (quick ACKs early in a connection, or segments that arrive apart). Never set when
   * the endpoints ACK at once (TcpShape.quickAck).
   */
  mayRepeat?: number;
}

export interface TcpShape {
  /** Bytes the client sends after the handshake (0 = none). */
  requestBytes: number;
  /** Bytes the server answers with (0 = none). */
  responseBytes: number;
  /** How many segments the response takes (busybox httpd: headers, then body → 2). */
  responseSegments: number;
  /** Who closes first: the client (nc -q) or the server (HTTP/1.0-style servers). */
  closer: Side;
  /**
   * Both endpoints ACK every segment at once (route attribute `quickack 1`): the
   * conversation is fixed. false: Linux's delayed ACKs, as the ground-truth recordings
   * had them (their shapes below; one timing choice left as `mayRepeat`).
   */
  quickAck: boolean;
}

function seg(from: Side, flags: Segment['flags'], payload: number, label: string): Segment {
  const length = (flags.includes('SYN') ? TCP_SYN_BYTES : TCP_SEGMENT_BYTES) + payload;
  return { from, flags, payload, length, label };
}

/** The SYN the client (re)sends: one per connection attempt. */
export function synSegment(): Segment {
  return seg('client', ['SYN'], 0, 'SYN');
}

/** Everything after the client's SYN, up to the request and its ACK. */
export function tcpOpening(shape: TcpShape): Segment[] {
  const out = [seg('server', ['SYN', 'ACK'], 0, 'SYN-ACK'), seg('client', ['ACK'], 0, 'ACK')];
  if (shape.requestBytes > 0) {
    out.push(seg('client', ['PSH', 'ACK'], shape.requestBytes, 'request'));
    out.push(seg('server', ['ACK'], 0, 'ACK of request'));
  }
  return out;
}

/** The response (split into segments) and the close handshake. */
export function tcpClosing(shape: TcpShape): Segment[] {
  const out: Segment[] = [];
  if (shape.responseBytes > 0) {
    const parts = Math.max(1, Math.min(shape.responseSegments, shape.responseBytes));
    const base = Math.floor(shape.responseBytes / parts);
    for (let i = 0; i < parts; i++) {
      const payload = i === parts - 1 ? shape.responseBytes - base * (parts - 1) : base;
      const label = parts === 1 ? 'response' : `response ${i + 1}/${parts}`;
      out.push(seg('server', ['PSH', 'ACK'], payload, label));
      // Quick ACKs: each part is ACKed as it arrives.
      if (shape.quickAck) out.push(seg('client', ['ACK'], 0, `ACK of ${label}`));
    }
    if (!shape.quickAck) {
      out.push({
        ...seg('client', ['ACK'], 0, 'ACK of response'),
        ...(parts > 1 ? { mayRepeat: parts - 1 } : {}),
      });
    }
  }
  if (shape.closer === 'client') {
    out.push(seg('client', ['FIN', 'ACK'], 0, 'FIN'));
    if (shape.quickAck) {
      // The server ACKs the FIN at once; its own FIN follows when the program closes.
      out.push(seg('server', ['ACK'], 0, 'ACK of FIN'));
      out.push(seg('server', ['FIN', 'ACK'], 0, 'FIN'));
    } else {
      // Delayed: the server closed within the delay, its FIN carries the ACK (e2).
      out.push(seg('server', ['FIN', 'ACK'], 0, 'FIN-ACK'));
    }
    out.push(seg('client', ['ACK'], 0, 'last ACK'));
  } else {
    out.push(seg('server', ['FIN', 'ACK'], 0, 'FIN'));
    out.push(seg('client', ['ACK'], 0, 'ACK of FIN'));
    out.push(seg('client', ['FIN', 'ACK'], 0, 'FIN'));
    out.push(seg('server', ['ACK'], 0, 'last ACK'));
  }
  return out;
}
