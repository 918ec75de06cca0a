/**
 * IPv6 neighbour discovery on a cold neighbour cache (FlowSpec.coldNeighbours, `trace
 * --cold-neighbours`): the NS/NA a flow's first packets cost, walked through the hooks
 * as the kernel walks them, so that rules and policies count them. ARP is not IP and no
 * iptables hook sees it: IPv4 flows cost nothing here.
 *
 * What the kernel does (measured by src/dind/ip6-kernel-cold.docker-test.ts; the README's
 * IPv6 section has the counts per direction):
 * - The sender of a packet with no entry for its next hop sends a multicast neighbour
 *   solicitation (ff02::1:ffXX:XXXX, hop limit 255, with its link-layer address) from
 *   the packet's source if that address is on the outgoing link, else from its
 *   link-local address (ndisc_solicit). The target answers with a unicast advertisement.
 * - The target learns the solicitor from the solicitation (a STALE entry): its answers
 *   need no discovery of their own. (The STALE entry is probed 5 s after its first use,
 *   delay_first_probe_time: later than a short ping, not modelled.)
 * - A neighbour sending through its gateway, with no entry for it, also probes it once
 *   (rt6_probe, hosts with forwarding off): an NS from its link-local address, answered.
 * - Neighbour discovery is not tracked by conntrack (ctstate UNTRACKED, no nat chains).
 * - The host's own NS/NA cross OUTPUT and POSTROUTING; what it receives crosses
 *   PREROUTING and, when it is for one of its addresses, INPUT. A multicast NS from a
 *   bridge port is flooded to every other port: FORWARD -i br -o br and POSTROUTING per
 *   port (br_netfilter), and reaches INPUT only if the host has joined the target's
 *   solicited-node group (one of its addresses on the bridge has the same low 24 bits).
 * A solicitation or advertisement a rule drops leaves the entry unresolved: the packet
 * waiting for it is lost (the kernel's retransmitted solicitations, 1 s apart, are not
 * modelled).
 */
import type { HostState, Neighbour } from '../host-types.ts';
import { formatIp, type Ip, prefixTest, tryParseIp } from './ip.ts';
import {
  ICMPV6_NEIGHBOUR_ADVERTISEMENT,
  ICMPV6_NEIGHBOUR_SOLICITATION,
  newPacket,
  type Packet,
} from './packet.ts';
import type { PacketPath } from './packet-path.ts';
import type { RoutingTable } from './routing.ts';
import type { PathTracer } from './trace.ts';

/** IPv6 header (40) + NS (24) + source link-layer address option (8). */
export const NS_BYTES = 72;
/** IPv6 header (40) + NA (24) + target link-layer address option (8): the answer to a multicast NS. */
export const NA_BYTES = 72;

const SOLICITED_NODE = 0xff0200000000000000000001ff000000n;
const LOW_24 = 0xffffffn;
/** fe80:: — stands for an interface's link-local address, which a trace does not know. */
export const LINK_LOCAL = 0xfe800000000000000000000000000000n;

/** ff02::1:ffXX:XXXX, the group a solicitation for `target` is sent to. */
export function solicitedNode(target: bigint): bigint {
  return SOLICITED_NODE | (target & LOW_24);
}

/** Who holds a neighbour entry: the host or one of its neighbours. */
export type Holder = { kind: 'host' } | { kind: 'neighbour'; neighbour: Neighbour };

const holderKey = (h: Holder) => (h.kind === 'host' ? 'host' : `n:${h.neighbour.name}`);
const holderName = (h: Holder) => (h.kind === 'host' ? 'the host' : h.neighbour.name);

export class NeighbourDiscovery {
  /** Entries that exist: `holder dev address`. */
  private readonly entries = new Set<string>();
  /** Neighbours that probed their gateway already (rt6_probe). */
  private readonly probed = new Set<Neighbour>();

  constructor(
    private readonly host: HostState,
    private readonly routing: RoutingTable,
    private readonly path: PacketPath,
    private readonly tracer: PathTracer,
  ) {}

  private has(h: Holder, dev: string, address: bigint): boolean {
    return this.entries.has(`${holderKey(h)} ${dev} ${address}`);
  }

  private learn(h: Holder, dev: string, address: bigint): void {
    this.entries.add(`${holderKey(h)} ${dev} ${address}`);
  }

  /** The host's IPv6 prefixes on `dev`: what its neighbours there see as on-link. */
  private onLink(dev: string, address: bigint): boolean {
    const iface = this.host.interfaces.find((i) => i.name === dev);
    return (iface?.addresses ?? []).some(
      (a) => a.address.includes(':') && prefixTest(`${a.address}/${a.prefix}`)(address),
    );
  }

  /**
   * Before a neighbour sends `p` to the host's link `dev`: its entry for the next hop (the
   * destination if on-link, else the host's address there, its gateway). false: not resolved.
   */
  beforeNeighbourSends(sender: Neighbour, p: Packet): boolean {
    if (typeof p.daddr !== 'bigint' || typeof p.saddr !== 'bigint') return true;
    const dev = sender.dev;
    const me: Holder = { kind: 'neighbour', neighbour: sender };
    if (!this.onLink(dev, p.saddr)) return true; // beyond a gateway: its discovery is not ours
    const gateway = !this.onLink(dev, p.daddr);
    const nextHop = gateway ? this.routing.primaryAddress6(dev) : p.daddr;
    if (nextHop === undefined || this.has(me, dev, nextHop)) return true;
    const resolved = this.resolve(me, dev, nextHop, p.saddr, p);
    if (gateway && !this.probed.has(sender)) {
      // rt6_probe: a host (forwarding off) whose route's gateway had no entry at the route
      // lookup also probes it, from a work queue just after the packet's own NS: an NS
      // from its link-local address (at most once per router_probe_interval, 60 s; a cold
      // cache has not probed lately). Its answer changes nothing the flow needs.
      this.probed.add(sender);
      this.resolve(
        me,
        dev,
        nextHop,
        LINK_LOCAL,
        p,
        `router reachability probe (rt6_probe: ${sender.name}'s gateway had no entry when the route was looked up)`,
      );
    }
    return resolved;
  }

  /** Before the host sends `p` out of `dev` toward `nextHop` (the gateway or the destination). */
  beforeHostSends(p: Packet, dev: string, nextHop: Ip): boolean {
    if (typeof nextHop !== 'bigint' || typeof p.saddr !== 'bigint') return true;
    const me: Holder = { kind: 'host' };
    if (this.has(me, dev, nextHop)) return true;
    const source = this.routing.localDevOf(p.saddr) === dev ? p.saddr : LINK_LOCAL;
    return this.resolve(me, dev, nextHop, source, p);
  }

  /**
   * One NS from `solicitor` and the NA that answers it, as steps of the packet that needs
   * the entry (the kernel holds that packet in the entry's queue meanwhile).
   */
  private resolve(
    solicitor: Holder,
    dev: string,
    target: bigint,
    source: bigint,
    trigger: Packet,
    why = `${holderName(solicitor)} has no neighbour entry for it on ${dev} (cold cache; ${formatIp(trigger.daddr)} waits)`,
  ): boolean {
    const answerer = this.answerer(dev, target, solicitor);
    const ns = newPacket({
      protocol: 'icmpv6',
      saddr: source,
      daddr: solicitedNode(target),
      icmpType: ICMPV6_NEIGHBOUR_SOLICITATION,
      length: NS_BYTES,
      notrack: true,
    });
    const from = source === LINK_LOCAL ? ` from ${holderName(solicitor)}'s link-local address` : '';
    this.tracer.step(ns, 'note', `neighbour solicitation for ${formatIp(target)}${from}: ${why}`);
    let ok = this.carrySolicitation(ns, solicitor, dev, target, answerer);
    if (ok) {
      this.learn(answerer, dev, source);
      const na = newPacket({
        protocol: 'icmpv6',
        saddr: target,
        daddr: source,
        icmpType: ICMPV6_NEIGHBOUR_ADVERTISEMENT,
        length: NA_BYTES,
        notrack: true,
      });
      this.tracer.step(
        na,
        'note',
        `neighbour advertisement: ${holderName(answerer)} answers for ${formatIp(target)} (and has learnt ${formatIp(source)} from the solicitation)`,
      );
      ok = this.carryAdvertisement(na, answerer, dev, solicitor);
    }
    if (ok) this.learn(solicitor, dev, target);
    else this.tracer.step(ns, 'drop', `${formatIp(target)} not resolved: the packet waiting for it is lost`);
    return ok;
  }

  /**
   * Who owns `target` on `dev`: the host, a known neighbour, or a machine the trace does
   * not otherwise model (a gateway), which answers like a neighbour.
   */
  private answerer(dev: string, target: bigint, solicitor: Holder): Holder {
    if (solicitor.kind === 'neighbour' && this.routing.localDevOf(target) === dev) return { kind: 'host' };
    const address = formatIp(target);
    const n = this.host.neighbours.find((x) => x.dev === dev && x.address === address);
    return { kind: 'neighbour', neighbour: n ?? { name: address, address, dev } };
  }

  private carrySolicitation(
    ns: Packet,
    solicitor: Holder,
    dev: string,
    target: bigint,
    answerer: Holder,
  ): boolean {
    if (solicitor.kind === 'host') return this.hostSends(ns, dev);
    if (!this.arrives(ns, dev)) return false;
    if (this.routing.kindOf(dev) === 'bridge') {
      const ports = new Set(
        this.host.neighbours.filter((n) => n.dev === dev && n !== solicitor.neighbour).map((n) => n.name),
      );
      let reached = true;
      for (const port of ports) {
        const copy = { ...ns, inDev: dev, outDev: dev, bridged: true };
        this.tracer.step(
          copy,
          'note',
          `flooded to ${port}'s port of ${dev} (br_netfilter: FORWARD -i ${dev} -o ${dev})`,
        );
        const delivered = this.crosses(copy, ['FORWARD', 'POSTROUTING']);
        if (answerer.kind === 'neighbour' && answerer.neighbour.name === port) reached = delivered;
      }
      if (answerer.kind === 'neighbour') return reached;
    }
    const group = solicitedNode(target);
    const joined = this.hostAddressesOn(dev).some((a) => solicitedNode(a) === group);
    if (!joined) {
      this.tracer.step(ns, 'note', `the host has not joined ${formatIp(group)} on ${dev}: no INPUT`);
      return answerer.kind !== 'host';
    }
    ns.outDev = '';
    const delivered = this.crosses(ns, ['INPUT']);
    if (delivered) this.tracer.step(ns, 'deliver', `received by the host on ${dev}`);
    return delivered;
  }

  private carryAdvertisement(na: Packet, answerer: Holder, dev: string, solicitor: Holder): boolean {
    if (answerer.kind === 'host') return this.hostSends(na, dev);
    if (!this.arrives(na, dev)) return false;
    if (solicitor.kind === 'host') {
      na.outDev = '';
      const delivered = this.crosses(na, ['INPUT']);
      if (delivered) this.tracer.step(na, 'deliver', `received by the host on ${dev}`);
      return delivered;
    }
    na.outDev = dev;
    na.bridged = true;
    this.tracer.step(na, 'note', `bridged on ${dev} (br_netfilter: FORWARD -i ${dev} -o ${dev})`);
    return this.crosses(na, ['FORWARD', 'POSTROUTING']);
  }

  private hostSends(p: Packet, dev: string): boolean {
    p.inDev = '';
    p.outDev = dev;
    this.tracer.step(p, 'note', `sent by the host on ${dev}`);
    const ok = this.crosses(p, ['OUTPUT', 'POSTROUTING']);
    if (ok) this.tracer.step(p, 'deliver', `leaves on ${dev}`);
    return ok;
  }

  private arrives(p: Packet, dev: string): boolean {
    p.inDev = dev;
    p.outDev = '';
    this.tracer.step(p, 'note', `arrives on ${dev}`);
    return this.crosses(p, ['PREROUTING']);
  }

  private crosses(
    p: Packet,
    hooks: ReadonlyArray<'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING'>,
  ): boolean {
    for (const hook of hooks) {
      const v = this.path.hook(hook, p);
      if (v.kind === 'drop' || v.kind === 'reject') {
        this.tracer.step(p, 'drop', `dropped by ${v.by}`);
        return false;
      }
    }
    return true;
  }

  private hostAddressesOn(dev: string): bigint[] {
    const iface = this.host.interfaces.find((i) => i.name === dev);
    return (iface?.addresses ?? [])
      .map((a) => tryParseIp(a.address))
      .filter((a): a is bigint => typeof a === 'bigint');
  }
}
