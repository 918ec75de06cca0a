/**
 * The conversations of a flow, packet by packet over a PacketCarrier: ping ×N (one echo
 * id), a TCP connection (SYN retransmitted up to `count` times, handshake, request,
 * response, close), UDP datagrams, and docker-proxy's relay over a new host-originated
 * connection. Endpoints answer as real ones do: RST or ICMP port-unreachable when nothing
 * listens.
 */
import type { CounterVariation, FlowSpec, FlowVerdict, HostState, Listener } from '../host-types.ts';
import type { CounterDelta } from '../types.ts';
import type { ConntrackTable } from './conntrack.ts';
import { HostStateError } from './errors.ts';
import {
  ICMP_ECHO_BYTES,
  icmpErrorBytes,
  icmpv6ErrorBytes,
  type Segment,
  synSegment,
  TCP_RST_BYTES,
  type TcpShape,
  tcpClosing,
  tcpOpening,
  UDP_HEADER_BYTES,
} from './flows.ts';
import { formatIp, type Ip, parseIp, tryParseIp } from './ip.ts';
import { NeighbourDiscovery } from './neighbour-discovery.ts';
import {
  ICMP_DEST_UNREACH,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  ICMPV6_DEST_UNREACH,
  ICMPV6_ECHO_REPLY,
  ICMPV6_ECHO_REQUEST,
  newPacket,
  type Packet,
  TCP_FLAGS,
} from './packet.ts';
import { type Addressing, type Endpoint, PacketCarrier } from './packet-carrier.ts';
import type { PacketPath } from './packet-path.ts';
import type { RoutingTable } from './routing.ts';
import type { CounterRecorder, PathTracer } from './trace.ts';

export interface Outcome {
  verdict: FlowVerdict;
  sent: number;
  delivered: number;
  seenSource?: string;
  receiver?: string;
}

export class FlowRunner extends PacketCarrier {
  readonly variations: CounterVariation[] = [];

  constructor(
    host: HostState,
    routing: RoutingTable,
    path: PacketPath,
    conntrack: ConntrackTable,
    tracer: PathTracer,
    private readonly counters: CounterRecorder,
    /** Whose tables this runner's path walks: ip6tables' (true) or iptables'. */
    private readonly ipv6: boolean,
    /**
     * A runner over the other family's tables (same host, conntrack and tracer), for
     * docker-proxy relaying to an address of the other family: a [::] listener proxied to
     * an IPv4-only container opens an IPv4 connection, which iptables' tables count.
     */
    private readonly otherFamily?: () => FlowRunner,
  ) {
    super(host, routing, path, conntrack, tracer);
  }

  run(flow: FlowSpec): Outcome {
    for (const [name, value] of [
      ['from', flow.from],
      ['to', flow.to],
    ] as const) {
      if (tryParseIp(value) === undefined)
        throw new HostStateError(`flow ${name} "${value}" is not an IP address`);
    }
    if (typeof tryParseIp(flow.from) !== typeof tryParseIp(flow.to))
      throw new HostStateError(
        `flow from ${flow.from} to ${flow.to}: the addresses are of different families (IPv4 and IPv6)`,
      );
    const count = flow.count ?? 1;
    if (!Number.isInteger(count) || count < 1)
      throw new HostStateError(`flow count must be a positive integer, got ${count}`);
    const client = this.endpointOf(flow.from);
    const from = parseIp(flow.from);
    const to = parseIp(flow.to);
    if (flow.coldNeighbours && typeof from === 'bigint') {
      this.neighbourDiscovery = new NeighbourDiscovery(this.host, this.routing, this.path, this.tracer);
    } else if (flow.coldNeighbours && this.tracer.enabled) {
      this.tracer.steps.push({
        packet: 0,
        direction: 'request',
        src: flow.from,
        dst: flow.to,
        kind: 'note',
        text: 'cold neighbour caches: IPv4 resolves neighbours with ARP, which is not IP: no iptables hook sees it, nothing more counts',
      });
    }
    if (flow.protocol === 'icmp') return this.ping(client, from, to, count);
    if (flow.port === undefined || !Number.isInteger(flow.port) || flow.port < 1 || flow.port > 65535) {
      throw new HostStateError(
        `a ${flow.protocol} flow needs a destination port (1-65535), got ${flow.port}`,
      );
    }
    if (flow.protocol === 'tcp') return this.tcp(client, from, to, flow.port, shapeOf(flow), count);
    return this.udp(client, from, to, flow.port, flow.requestBytes ?? 0, flow.responseBytes ?? 0, count);
  }

  private ping(client: Endpoint, from: Ip, to: Ip, count: number): Outcome {
    const v6 = typeof from === 'bigint';
    const id = this.conntrack.allocateEchoId();
    const out: Outcome = { verdict: 'timeout', sent: 0, delivered: 0 };
    const errors: Array<'refused' | 'unreachable'> = [];
    for (let seq = 1; seq <= count; seq++) {
      out.sent += 1;
      const request = this.packet('icmp', { saddr: from, daddr: to, sport: id, dport: id }, ICMP_ECHO_BYTES, {
        icmpType: v6 ? ICMPV6_ECHO_REQUEST : ICMP_ECHO_REQUEST,
      });
      const a = this.transmit(client, request, 'request');
      if (a.kind === 'error') errors.push(a.verdict);
      if (a.kind === 'unreachable') errors.push('unreachable');
      if (a.kind !== 'arrived') continue;
      out.receiver = this.nameOf(a.at);
      out.seenSource = formatIp(a.p.saddr);
      if (a.at.kind === 'neighbour' && a.at.neighbour.answersPing === false) {
        this.tracer.step(a.p, 'note', `${a.at.neighbour.name} does not answer ping`);
        continue;
      }
      const reply = this.packet('icmp', swap(a.p), ICMP_ECHO_BYTES, {
        icmpType: v6 ? ICMPV6_ECHO_REPLY : ICMP_ECHO_REPLY,
      });
      const b = this.transmit(a.at, reply, 'reply');
      if (b.kind === 'arrived' && this.same(b.at, client)) out.delivered += 1;
    }
    out.verdict = aggregate(out, errors);
    return out;
  }

  private tcp(client: Endpoint, from: Ip, to: Ip, port: number, shape: TcpShape, attempts: number): Outcome {
    const out: Outcome = { verdict: 'timeout', sent: 0, delivered: 0 };
    const view: Addressing = { saddr: from, daddr: to, sport: this.conntrack.allocatePort(), dport: port };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      out.sent = attempt;
      const a = this.transmit(client, this.segmentPacket(synSegment(), view), 'request');
      if (a.kind === 'error' || a.kind === 'unreachable') {
        out.verdict = a.kind === 'error' ? a.verdict : 'unreachable';
        return out;
      }
      if (a.kind === 'lost') continue;
      const server = a.at;
      const serverView = swap(a.p);
      const listener = this.tcpListener(server, a.p);
      if (listener === undefined) {
        this.tracer.step(
          a.p,
          'socket',
          `${this.nameOf(server)}: nothing listens on tcp port ${a.p.dport}: RST`,
        );
        const rst = this.packet('tcp', serverView, TCP_RST_BYTES, {
          tcpFlags: TCP_FLAGS.RST | TCP_FLAGS.ACK,
        });
        const b = this.transmit(server, rst, 'reply');
        if (b.kind === 'arrived' && this.same(b.at, client)) {
          out.verdict = 'refused';
          return out;
        }
        continue;
      }
      this.tracer.step(
        a.p,
        'socket',
        `${this.nameOf(server)} accepts on tcp port ${a.p.dport}${listener && listener !== true && listener.owner ? ` (${listener.owner})` : ''}`,
      );
      out.receiver = this.nameOf(server);
      out.seenSource = formatIp(a.p.saddr);
      const opened = this.converse(tcpOpening(shape), client, server, view, serverView);
      if (opened === 'syn-ack-lost') continue;
      if (opened !== 'ok') return out;
      let responseBytes = shape.responseBytes;
      let relayed: Outcome | undefined;
      if (listener !== true && listener.forwardTo) {
        relayed = this.relay(listener, shape);
        out.receiver = `${listener.owner ?? 'proxy'} -> ${relayed.receiver ?? listener.forwardTo.address}`;
        out.seenSource = relayed.seenSource;
        if (relayed.verdict !== 'delivered') responseBytes = 0;
      }
      const closed = this.converse(tcpClosing({ ...shape, responseBytes }), client, server, view, serverView);
      if (closed !== 'ok') return out;
      if (relayed && relayed.verdict !== 'delivered') {
        out.verdict = relayed.verdict;
        return out;
      }
      out.delivered = 1;
      out.verdict = 'delivered';
      return out;
    }
    return out;
  }

  /** docker-proxy: a new connection from the host to forwardTo, source chosen by routing. */
  private relay(listener: Listener, shape: TcpShape): Outcome {
    const target = listener.forwardTo as { address: string; port: number };
    const to = parseIp(target.address);
    const from = this.routing.sourceFor(to, this.routing.lookup(to));
    if (from === undefined) return { verdict: 'unreachable', sent: 0, delivered: 0 };
    if (this.tracer.enabled) {
      this.tracer.steps.push({
        packet: this.tracer.packet,
        direction: 'request',
        src: formatIp(from),
        dst: target.address,
        kind: 'socket',
        text: `${listener.owner ?? 'proxy'} relays to ${typeof to === 'bigint' ? `[${target.address}]` : target.address}:${target.port} from ${formatIp(from)}`,
      });
    }
    const runner = (typeof to === 'bigint') === this.ipv6 || !this.otherFamily ? this : this.otherFamily();
    if (listener.protocol === 'udp') {
      return runner.udp({ kind: 'host' }, from, to, target.port, shape.requestBytes, shape.responseBytes, 1);
    }
    return runner.tcp({ kind: 'host' }, from, to, target.port, shape, 1);
  }

  /** Sends segments in order; stops at the first one that does not reach its peer. */
  private converse(
    segments: Segment[],
    client: Endpoint,
    server: Endpoint,
    clientView: Addressing,
    serverView: Addressing,
  ): 'ok' | 'syn-ack-lost' | 'lost' {
    for (const s of segments) {
      const fromClient = s.from === 'client';
      const p = this.segmentPacket(s, fromClient ? clientView : serverView);
      const before = s.mayRepeat ? this.counters.list() : undefined;
      const a = this.transmit(fromClient ? client : server, p, fromClient ? 'request' : 'reply');
      if (before && s.mayRepeat) {
        // An established packet takes the same path every time: a copy counts what this one did.
        const peer = formatIp(fromClient ? clientView.daddr : serverView.daddr);
        this.variations.push({
          reason: `${s.label} to ${peer}:${fromClient ? clientView.dport : serverView.dport}`,
          upTo: s.mayRepeat,
          counters: subtractDeltas(this.counters.list(), before),
        });
      }
      if (a.kind === 'arrived' && this.same(a.at, fromClient ? server : client)) continue;
      this.tracer.step(
        p,
        'note',
        `${s.label} lost: the flow ends here (later retransmissions are not modelled)`,
      );
      return s.label === 'SYN-ACK' ? 'syn-ack-lost' : 'lost';
    }
    return 'ok';
  }

  private segmentPacket(s: Segment, a: Addressing): Packet {
    let flags = 0;
    for (const f of s.flags) flags |= TCP_FLAGS[f];
    return this.packet('tcp', a, s.length, { tcpFlags: flags });
  }

  /** true: a neighbour's plain listener; a Listener: the host's; undefined: nobody listens. */
  private tcpListener(server: Endpoint, p: Packet): Listener | true | undefined {
    return this.listener(server, p, 'tcp');
  }

  private udp(
    client: Endpoint,
    from: Ip,
    to: Ip,
    port: number,
    requestBytes: number,
    responseBytes: number,
    count: number,
  ): Outcome {
    const out: Outcome = { verdict: 'timeout', sent: 0, delivered: 0 };
    const errors: Array<'refused' | 'unreachable'> = [];
    const view: Addressing = { saddr: from, daddr: to, sport: this.conntrack.allocatePort(), dport: port };
    for (let i = 1; i <= count; i++) {
      out.sent += 1;
      const a = this.transmit(client, this.packet('udp', view, UDP_HEADER_BYTES + requestBytes), 'request');
      if (a.kind === 'error') errors.push(a.verdict);
      if (a.kind === 'unreachable') errors.push('unreachable');
      if (a.kind !== 'arrived') continue;
      const server = a.at;
      const listener = this.listener(server, a.p, 'udp');
      if (listener === undefined) {
        this.tracer.step(
          a.p,
          'socket',
          `${this.nameOf(server)}: nothing listens on udp port ${a.p.dport}: ICMP port-unreachable`,
        );
        const v6 = typeof a.p.saddr === 'bigint';
        const error = newPacket({
          protocol: v6 ? 'icmpv6' : 'icmp',
          saddr: a.p.daddr,
          daddr: a.p.saddr,
          icmpType: v6 ? ICMPV6_DEST_UNREACH : ICMP_DEST_UNREACH,
          icmpCode: v6 ? 4 : 3,
          length: v6 ? icmpv6ErrorBytes(a.p.length) : icmpErrorBytes(a.p.length),
          relatedTo: a.p.ct,
        });
        const b = this.transmit(server, error, 'reply');
        if (b.kind === 'arrived' && this.same(b.at, client)) errors.push('refused');
        continue;
      }
      out.receiver = this.nameOf(server);
      out.seenSource = formatIp(a.p.saddr);
      if (listener !== true && listener.forwardTo) {
        const relayed = this.relay(listener, {
          requestBytes,
          responseBytes,
          responseSegments: 1,
          closer: 'client',
          quickAck: false,
        });
        out.receiver = `${listener.owner ?? 'proxy'} -> ${relayed.receiver ?? listener.forwardTo.address}`;
        out.seenSource = relayed.seenSource;
        if (relayed.delivered === 0) continue;
      }
      if (responseBytes === 0) {
        out.delivered += 1;
        continue;
      }
      const b = this.transmit(
        server,
        this.packet('udp', swap(a.p), UDP_HEADER_BYTES + responseBytes),
        'reply',
      );
      if (b.kind === 'arrived' && this.same(b.at, client)) out.delivered += 1;
    }
    out.verdict = aggregate(out, errors);
    return out;
  }
}

function swap(p: Packet): Addressing {
  return { saddr: p.daddr, daddr: p.saddr, sport: p.dport, dport: p.sport };
}

function shapeOf(flow: FlowSpec): TcpShape {
  return {
    requestBytes: flow.requestBytes ?? 0,
    responseBytes: flow.responseBytes ?? 0,
    responseSegments: flow.responseSegments ?? 1,
    closer: flow.closer ?? 'client',
    quickAck: flow.quickAck ?? false,
  };
}

function aggregate(out: Outcome, errors: Array<'refused' | 'unreachable'>): FlowVerdict {
  if (out.sent > 0 && out.delivered === out.sent) return 'delivered';
  if (out.delivered > 0) return 'partial';
  if (errors.includes('refused')) return 'refused';
  if (errors.length > 0) return 'unreachable';
  return 'timeout';
}

/** after − before, row by row (rows are the same rule when table, chain and number agree). */
function subtractDeltas(after: CounterDelta[], before: CounterDelta[]): CounterDelta[] {
  const key = (d: CounterDelta) => `${d.table} ${d.chain} ${d.rule}`;
  const earlier = new Map(before.map((d) => [key(d), d]));
  const out: CounterDelta[] = [];
  for (const d of after) {
    const b = earlier.get(key(d));
    const packets = d.packets - (b?.packets ?? 0);
    if (packets > 0) out.push({ ...d, packets, bytes: d.bytes - (b?.bytes ?? 0) });
  }
  return out;
}
