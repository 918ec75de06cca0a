/**
 * One packet between a flow's endpoints: from a neighbour (a container, an outside
 * machine) or the host, through the packet path, to whoever receives it; and the errors
 * the host answers with when it drops or cannot deliver a packet (REJECT, no route, no
 * neighbour), carried back to the sender the same way. The conversations built on it
 * (ping, TCP, UDP) are in flow-runner.ts.
 */

import type { HostState, Listener, Neighbour } from '../host-types.ts';
import type { ConntrackTable } from './conntrack.ts';
import { HostStateError } from './errors.ts';
import { IPV6_EXTRA_BYTES, icmpErrorBytes, icmpv6ErrorBytes, TCP_RST_BYTES } from './flows.ts';
import { formatIp, type Ip, parseIp, prefixTest } from './ip.ts';
import type { NeighbourDiscovery } from './neighbour-discovery.ts';
import {
  ICMP_DEST_UNREACH,
  ICMPV6_DEST_UNREACH,
  type IpProtocol,
  newPacket,
  type Packet,
  TCP_FLAGS,
} from './packet.ts';
import type { PacketPath } from './packet-path.ts';
import type { RoutingTable } from './routing.ts';
import { icmp6RejectOf, REJECT_ICMP_CODE } from './targets/reject.ts';
import type { RejectWith } from './targets/target.ts';
import type { PathTracer } from './trace.ts';

export type Endpoint = { kind: 'host' } | { kind: 'neighbour'; neighbour: Neighbour };

export type Arrival =
  | { kind: 'arrived'; at: Endpoint; p: Packet }
  | { kind: 'lost'; reason: string }
  /** An error (RST, ICMP unreachable) reached the sender. */
  | { kind: 'error'; verdict: 'refused' | 'unreachable'; reason: string }
  /** The sender could not even send (no route). */
  | { kind: 'unreachable'; reason: string };

export interface Addressing {
  saddr: Ip;
  daddr: Ip;
  sport: number;
  dport: number;
}

function isRefusal(w: RejectWith): boolean {
  return w === 'tcp-reset' || w === 'icmp-port-unreachable' || w === 'icmp6-port-unreachable';
}

export class PacketCarrier {
  /** Set for a flow on cold neighbour caches (FlowSpec.coldNeighbours): NS/NA before first packets. */
  protected neighbourDiscovery?: NeighbourDiscovery;

  constructor(
    protected readonly host: HostState,
    protected readonly routing: RoutingTable,
    protected readonly path: PacketPath,
    protected readonly conntrack: ConntrackTable,
    protected readonly tracer: PathTracer,
  ) {}

  protected endpointOf(address: string): Endpoint {
    if (this.routing.isLocal(parseIp(address))) return { kind: 'host' };
    const neighbour = this.host.neighbours.find((n) => n.address === address);
    if (!neighbour) {
      throw new HostStateError(
        `flow source ${address} is neither a local address nor a known neighbour (add it to HostState.neighbours with its dev)`,
      );
    }
    return { kind: 'neighbour', neighbour };
  }

  protected nameOf(e: Endpoint): string {
    return e.kind === 'host' ? 'host' : e.neighbour.name;
  }

  protected same(a: Endpoint, b: Endpoint): boolean {
    return a.kind === 'host' ? b.kind === 'host' : b.kind === 'neighbour' && a.neighbour === b.neighbour;
  }

  /** One packet from an endpoint through the host, to wherever it ends up. */
  protected transmit(from: Endpoint, p: Packet, direction: 'request' | 'reply'): Arrival {
    this.tracer.begin(direction);
    const reaches = from.kind === 'neighbour' ? from.neighbour.reaches : undefined;
    if (reaches && !reaches.some((cidr) => prefixTest(cidr)(p.daddr))) {
      const reason = `${from.kind === 'neighbour' ? from.neighbour.name : 'host'} has no route to ${formatIp(p.daddr)} (no default route): the packet never leaves it`;
      this.tracer.step(p, 'drop', reason);
      return { kind: 'unreachable', reason };
    }
    const nd = this.neighbourDiscovery;
    if (nd && from.kind === 'neighbour' && !nd.beforeNeighbourSends(from.neighbour, p)) {
      return { kind: 'lost', reason: 'neighbour discovery failed: the packet never left its sender' };
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
        const address = formatIp(out.p.daddr);
        const neighbour = this.host.neighbours.find((n) => n.address === address && n.dev === out.dev);
        if (nd && (neighbour || out.via !== undefined) && !out.p.bridged) {
          // The host resolves its next hop after POSTROUTING (ip6_finish_output2).
          if (!nd.beforeHostSends(out.p, out.dev, out.via ?? out.p.daddr))
            return { kind: 'lost', reason: `neighbour discovery on ${out.dev} failed` };
        }
        if (neighbour) {
          this.tracer.step(out.p, 'deliver', `received by ${neighbour.name} (${address} on ${out.dev})`);
          return { kind: 'arrived', at: { kind: 'neighbour', neighbour }, p: out.p };
        }
        if (out.via !== undefined) {
          const reason = `left through gateway ${formatIp(out.via)}; nothing beyond it is modelled`;
          this.tracer.step(out.p, 'note', reason);
          return { kind: 'lost', reason };
        }
        const v6 = typeof out.p.daddr === 'bigint';
        this.tracer.step(
          out.p,
          'note',
          `no neighbour answers ${v6 ? 'neighbour solicitation' : 'ARP'} for ${address} on ${out.dev}`,
        );
        return this.hostError(out.p, 'icmp-host-unreachable', from);
      }
    }
  }

  /** The host answers a dropped packet with an error (REJECT, no route, no neighbour). */
  protected hostError(p: Packet, kind: RejectWith, sender: Endpoint): Arrival {
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
        length: TCP_RST_BYTES + (typeof p.saddr === 'bigint' ? IPV6_EXTRA_BYTES : 0),
        ct: p.ct,
        ctDir: 'reply',
      });
    } else {
      const back = this.routing.lookup(p.saddr);
      const v6 = typeof p.saddr === 'bigint';
      const saddr = this.routing.isLocal(p.daddr)
        ? p.daddr
        : ((v6 ? this.routing.primaryAddress6(p.inDev) : this.routing.primaryAddress(p.inDev)) ??
          this.routing.sourceFor(p.saddr, back) ??
          p.daddr);
      const with6 = v6 ? icmp6RejectOf(kind) : kind;
      error = newPacket({
        protocol: v6 ? 'icmpv6' : 'icmp',
        saddr,
        daddr: p.saddr,
        icmpType: v6 ? ICMPV6_DEST_UNREACH : ICMP_DEST_UNREACH,
        icmpCode: REJECT_ICMP_CODE[with6 as Exclude<RejectWith, 'tcp-reset'>],
        length: v6 ? icmpv6ErrorBytes(p.length) : icmpErrorBytes(p.length),
        relatedTo: p.ct,
      });
    }
    const back = this.transmit({ kind: 'host' }, error, 'reply');
    if (back.kind === 'arrived' && this.same(back.at, sender)) {
      return { kind: 'error', verdict: isRefusal(kind) ? 'refused' : 'unreachable', reason };
    }
    return { kind: 'lost', reason: `${reason} did not reach the sender` };
  }

  /**
   * A packet of the flow; `length` is the IPv4 size: an IPv6 packet's header is 20 bytes
   * longer (40 against 20), and its ICMP is ICMPv6 (echo 128/129 instead of 8/0).
   */
  protected packet(protocol: IpProtocol, a: Addressing, length: number, extra: Partial<Packet> = {}): Packet {
    const v6 = typeof a.saddr === 'bigint';
    return newPacket({
      protocol: v6 && protocol === 'icmp' ? 'icmpv6' : protocol,
      saddr: a.saddr,
      daddr: a.daddr,
      sport: a.sport,
      dport: a.dport,
      length: v6 ? length + IPV6_EXTRA_BYTES : length,
      ...extra,
    });
  }

  protected listener(server: Endpoint, p: Packet, protocol: 'tcp' | 'udp'): Listener | true | undefined {
    if (server.kind === 'neighbour') {
      return server.neighbour.listeners?.some((l) => l.protocol === protocol && l.port === p.dport)
        ? true
        : undefined;
    }
    const daddr = formatIp(p.daddr);
    const any = typeof p.daddr === 'bigint' ? '::' : '0.0.0.0';
    return this.host.listeners.find(
      (l) => l.protocol === protocol && l.port === p.dport && (l.address === any || l.address === daddr),
    );
  }
}
