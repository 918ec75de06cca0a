/**
 * runFlow: plays one flow (ping ×N, a TCP connection with retransmitted SYNs, UDP
 * datagrams) packet by packet through the packet path, with the endpoints answering
 * as real ones do: neighbours answer ping and serve their listeners (RST / ICMP
 * port-unreachable otherwise), the host answers ping and serves its listeners, and a
 * listener with `forwardTo` (docker-proxy) relays over a new host-originated connection.
 *
 * `count` is the number of ICMP echo requests (one echo id: one `ping` run), UDP
 * datagrams, or TCP connection attempts: a SYN that gets no answer is sent again (the
 * client's 1 s, 2 s … retransmissions) up to `count` times in all, default 1.
 *
 * Not modelled: TCP retransmissions after the handshake (a later lost segment ends the
 * flow as a timeout); a SYN-ACK retransmitted by the server on its own (timing-dependent).
 */
import type {
  CounterVariation,
  FlowResult,
  FlowSpec,
  FlowVerdict,
  HostState,
  Listener,
  Neighbour,
} from '../host-types.ts';
import type { CounterDelta } from '../types.ts';
import { indexRuleset, type WalkContext } from './chain-walk.ts';
import { ConntrackTable } from './conntrack.ts';
import { HostStateError } from './errors.ts';
import {
  ICMP_ECHO_BYTES,
  icmpErrorBytes,
  type Segment,
  synSegment,
  TCP_RST_BYTES,
  type TcpShape,
  tcpClosing,
  tcpOpening,
  UDP_HEADER_BYTES,
} from './flows.ts';
import { cidrContains, formatIPv4, isIPv4, parseCidr, parseIPv4 } from './ipv4.ts';
import { NativeHooks } from './native-hooks.ts';
import {
  ICMP_DEST_UNREACH,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  type IpProtocol,
  newPacket,
  type Packet,
  TCP_FLAGS,
} from './packet.ts';
import { PacketPath } from './packet-path.ts';
import { type RoutingTable, routingFor } from './routing.ts';
import { REJECT_ICMP_CODE } from './targets/reject.ts';
import type { RejectWith } from './targets/target.ts';
import { CounterRecorder, PathTracer } from './trace.ts';

export interface RunFlowOptions {
  /** Share one table across flows (a live host); default: a fresh table per flow. */
  conntrack?: ConntrackTable;
  /** Record the packet path (default true); off for benchmarks. */
  trace?: boolean;
}

type Endpoint = { kind: 'host' } | { kind: 'neighbour'; neighbour: Neighbour };

type Arrival =
  | { kind: 'arrived'; at: Endpoint; p: Packet }
  | { kind: 'lost'; reason: string }
  /** An error (RST, ICMP unreachable) reached the sender. */
  | { kind: 'error'; verdict: 'refused' | 'unreachable'; reason: string }
  /** The sender could not even send (no route). */
  | { kind: 'unreachable'; reason: string };

interface Outcome {
  verdict: FlowVerdict;
  sent: number;
  delivered: number;
  seenSource?: string;
  receiver?: string;
}

interface Addressing {
  saddr: number;
  daddr: number;
  sport: number;
  dport: number;
}

export function runFlow(host: HostState, flow: FlowSpec, options: RunFlowOptions = {}): FlowResult {
  const routing = routingFor(host);
  const index = indexRuleset(host.ruleset);
  const counters = new CounterRecorder(index.order);
  const tracer = new PathTracer(options.trace !== false);
  const ctx: WalkContext = {
    index,
    compiled: new Map(),
    lazyBuiltins: host.nftLazyBuiltinChains !== false,
    materialized: new Set(host.materializedBuiltins ?? []),
    routing,
    ipsets: host.ipsets ?? {},
    counters,
    tracer,
  };
  // iptables-legacy's rules (if any) count on their own rules, not in the flow's deltas.
  const legacyIndex = host.legacyRuleset ? indexRuleset(host.legacyRuleset) : undefined;
  const legacy: WalkContext | undefined = legacyIndex && {
    ...ctx,
    index: legacyIndex,
    compiled: new Map(),
    lazyBuiltins: false,
    materialized: new Set(),
    counters: new CounterRecorder(legacyIndex.order),
    label: 'iptables-legacy',
  };
  const conntrack = options.conntrack ?? new ConntrackTable();
  const native = host.nftRuleset ? new NativeHooks(host.nftRuleset, routing, tracer) : undefined;
  const runner = new FlowRunner(
    host,
    routing,
    new PacketPath(host, conntrack, ctx, legacy, native),
    conntrack,
    tracer,
    counters,
  );
  const outcome = runner.run(flow);
  if (tracer.enabled) {
    const seen = outcome.seenSource ? `, seen source ${outcome.seenSource}` : '';
    tracer.steps.push({
      packet: tracer.packet,
      direction: tracer.direction,
      src: flow.from,
      dst: flow.to,
      kind: 'note',
      text: `outcome: ${outcome.verdict}, ${outcome.delivered}/${outcome.sent} answered${seen}`,
    });
  }
  const variations = runner.variations;
  return {
    ...outcome,
    counters: counters.list(),
    ...(native ? { nftCounters: native.list() } : {}),
    path: tracer.steps,
    ...(variations.length > 0 ? { variations } : {}),
  };
}

function isRefusal(w: RejectWith): boolean {
  return w === 'tcp-reset' || w === 'icmp-port-unreachable';
}

class FlowRunner {
  readonly variations: CounterVariation[] = [];

  constructor(
    private readonly host: HostState,
    private readonly routing: RoutingTable,
    private readonly path: PacketPath,
    private readonly conntrack: ConntrackTable,
    private readonly tracer: PathTracer,
    private readonly counters: CounterRecorder,
  ) {}

  run(flow: FlowSpec): Outcome {
    for (const [name, value] of [
      ['from', flow.from],
      ['to', flow.to],
    ] as const) {
      if (!isIPv4(value)) throw new HostStateError(`flow ${name} "${value}" is not an IPv4 address`);
    }
    const count = flow.count ?? 1;
    if (!Number.isInteger(count) || count < 1)
      throw new HostStateError(`flow count must be a positive integer, got ${count}`);
    const client = this.endpointOf(flow.from);
    const from = parseIPv4(flow.from);
    const to = parseIPv4(flow.to);
    if (flow.protocol === 'icmp') return this.ping(client, from, to, count);
    if (flow.port === undefined || !Number.isInteger(flow.port) || flow.port < 1 || flow.port > 65535) {
      throw new HostStateError(
        `a ${flow.protocol} flow needs a destination port (1-65535), got ${flow.port}`,
      );
    }
    if (flow.protocol === 'tcp') return this.tcp(client, from, to, flow.port, shapeOf(flow), count);
    return this.udp(client, from, to, flow.port, flow.requestBytes ?? 0, flow.responseBytes ?? 0, count);
  }

  private endpointOf(address: string): Endpoint {
    if (this.routing.isLocal(parseIPv4(address))) return { kind: 'host' };
    const neighbour = this.host.neighbours.find((n) => n.address === address);
    if (!neighbour) {
      throw new HostStateError(
        `flow source ${address} is neither a local address nor a known neighbour (add it to HostState.neighbours with its dev)`,
      );
    }
    return { kind: 'neighbour', neighbour };
  }

  private nameOf(e: Endpoint): string {
    return e.kind === 'host' ? 'host' : e.neighbour.name;
  }

  private same(a: Endpoint, b: Endpoint): boolean {
    return a.kind === 'host' ? b.kind === 'host' : b.kind === 'neighbour' && a.neighbour === b.neighbour;
  }

  /** One packet from an endpoint through the host, to wherever it ends up. */
  private transmit(from: Endpoint, p: Packet, direction: 'request' | 'reply'): Arrival {
    this.tracer.begin(direction);
    const reaches = from.kind === 'neighbour' ? from.neighbour.reaches : undefined;
    if (reaches && !reaches.some((cidr) => cidrContains(parseCidr(cidr), p.daddr))) {
      const reason = `${from.kind === 'neighbour' ? from.neighbour.name : 'host'} has no route to ${formatIPv4(p.daddr)} (no default route): the packet never leaves it`;
      this.tracer.step(p, 'drop', reason);
      return { kind: 'unreachable', reason };
    }
    const out = from.kind === 'host' ? this.path.send(p) : this.path.receive(p, from.neighbour.dev);
    switch (out.kind) {
      case 'local':
        return { kind: 'arrived', at: { kind: 'host' }, p: out.p };
      case 'drop':
        return { kind: 'lost', reason: out.reason };
      case 'unreachable':
        this.tracer.step(out.p, 'drop', out.reason);
        return { kind: 'unreachable', reason: out.reason };
      case 'reject':
        return this.hostError(out.p, out.with, from);
      case 'out': {
        const address = formatIPv4(out.p.daddr);
        const neighbour = this.host.neighbours.find((n) => n.address === address && n.dev === out.dev);
        if (neighbour) {
          this.tracer.step(out.p, 'deliver', `received by ${neighbour.name} (${address} on ${out.dev})`);
          return { kind: 'arrived', at: { kind: 'neighbour', neighbour }, p: out.p };
        }
        if (out.via !== undefined) {
          const reason = `left through gateway ${formatIPv4(out.via)}; nothing beyond it is modelled`;
          this.tracer.step(out.p, 'note', reason);
          return { kind: 'lost', reason };
        }
        this.tracer.step(out.p, 'note', `no neighbour answers ARP for ${address} on ${out.dev}`);
        return this.hostError(out.p, 'icmp-host-unreachable', from);
      }
    }
  }

  /** The host answers a dropped packet with an error (REJECT, no route, no neighbour). */
  private hostError(p: Packet, kind: RejectWith, sender: Endpoint): Arrival {
    const reason = `${kind} from the host`;
    let error: Packet;
    if (kind === 'tcp-reset') {
      // nf_send_reset: the RST impersonates the destination and rides the flow's entry.
      error = newPacket({
        protocol: 'tcp',
        saddr: p.daddr,
        daddr: p.saddr,
        sport: p.dport,
        dport: p.sport,
        tcpFlags: TCP_FLAGS.RST | TCP_FLAGS.ACK,
        length: TCP_RST_BYTES,
        ct: p.ct,
        ctDir: 'reply',
      });
    } else {
      const back = this.routing.lookup(p.saddr);
      const saddr = this.routing.isLocal(p.daddr)
        ? p.daddr
        : (this.routing.primaryAddress(p.inDev) ?? this.routing.sourceFor(p.saddr, back) ?? p.daddr);
      error = newPacket({
        protocol: 'icmp',
        saddr,
        daddr: p.saddr,
        icmpType: ICMP_DEST_UNREACH,
        icmpCode: REJECT_ICMP_CODE[kind],
        length: icmpErrorBytes(p.length),
        relatedTo: p.ct,
      });
    }
    const back = this.transmit({ kind: 'host' }, error, 'reply');
    if (back.kind === 'arrived' && this.same(back.at, sender)) {
      return { kind: 'error', verdict: isRefusal(kind) ? 'refused' : 'unreachable', reason };
    }
    return { kind: 'lost', reason: `${reason} did not reach the sender` };
  }

  private packet(protocol: IpProtocol, a: Addressing, length: number, extra: Partial<Packet> = {}): Packet {
    return newPacket({
      protocol,
      saddr: a.saddr,
      daddr: a.daddr,
      sport: a.sport,
      dport: a.dport,
      length,
      ...extra,
    });
  }

  private ping(client: Endpoint, from: number, to: number, count: number): Outcome {
    const id = this.conntrack.allocateEchoId();
    const out: Outcome = { verdict: 'timeout', sent: 0, delivered: 0 };
    const errors: Array<'refused' | 'unreachable'> = [];
    for (let seq = 1; seq <= count; seq++) {
      out.sent += 1;
      const request = this.packet('icmp', { saddr: from, daddr: to, sport: id, dport: id }, ICMP_ECHO_BYTES, {
        icmpType: ICMP_ECHO_REQUEST,
      });
      const a = this.transmit(client, request, 'request');
      if (a.kind === 'error') errors.push(a.verdict);
      if (a.kind === 'unreachable') errors.push('unreachable');
      if (a.kind !== 'arrived') continue;
      out.receiver = this.nameOf(a.at);
      out.seenSource = formatIPv4(a.p.saddr);
      if (a.at.kind === 'neighbour' && a.at.neighbour.answersPing === false) {
        this.tracer.step(a.p, 'note', `${a.at.neighbour.name} does not answer ping`);
        continue;
      }
      const reply = this.packet('icmp', swap(a.p), ICMP_ECHO_BYTES, { icmpType: ICMP_ECHO_REPLY });
      const b = this.transmit(a.at, reply, 'reply');
      if (b.kind === 'arrived' && this.same(b.at, client)) out.delivered += 1;
    }
    out.verdict = aggregate(out, errors);
    return out;
  }

  private tcp(
    client: Endpoint,
    from: number,
    to: number,
    port: number,
    shape: TcpShape,
    attempts: number,
  ): Outcome {
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
      out.seenSource = formatIPv4(a.p.saddr);
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
    const to = parseIPv4(target.address);
    const from = this.routing.sourceFor(to, this.routing.lookup(to));
    if (from === undefined) return { verdict: 'unreachable', sent: 0, delivered: 0 };
    if (this.tracer.enabled) {
      this.tracer.steps.push({
        packet: this.tracer.packet,
        direction: 'request',
        src: formatIPv4(from),
        dst: target.address,
        kind: 'socket',
        text: `${listener.owner ?? 'proxy'} relays to ${target.address}:${target.port} from ${formatIPv4(from)}`,
      });
    }
    if (listener.protocol === 'udp') {
      return this.udp({ kind: 'host' }, from, to, target.port, shape.requestBytes, shape.responseBytes, 1);
    }
    return this.tcp({ kind: 'host' }, from, to, target.port, shape, 1);
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
        const peer = formatIPv4(fromClient ? clientView.daddr : serverView.daddr);
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

  private listener(server: Endpoint, p: Packet, protocol: 'tcp' | 'udp'): Listener | true | undefined {
    if (server.kind === 'neighbour') {
      return server.neighbour.listeners?.some((l) => l.protocol === protocol && l.port === p.dport)
        ? true
        : undefined;
    }
    const daddr = formatIPv4(p.daddr);
    return this.host.listeners.find(
      (l) =>
        l.protocol === protocol && l.port === p.dport && (l.address === '0.0.0.0' || l.address === daddr),
    );
  }

  private udp(
    client: Endpoint,
    from: number,
    to: number,
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
        const error = newPacket({
          protocol: 'icmp',
          saddr: a.p.daddr,
          daddr: a.p.saddr,
          icmpType: ICMP_DEST_UNREACH,
          icmpCode: 3,
          length: icmpErrorBytes(a.p.length),
          relatedTo: a.p.ct,
        });
        const b = this.transmit(server, error, 'reply');
        if (b.kind === 'arrived' && this.same(b.at, client)) errors.push('refused');
        continue;
      }
      out.receiver = this.nameOf(server);
      out.seenSource = formatIPv4(a.p.saddr);
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
