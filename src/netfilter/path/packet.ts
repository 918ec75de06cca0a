/**
 * The packet as the hooks see it (an skb, reduced to what matches and targets read).
 * Addresses are numbers (see ipv4.ts); NAT rewrites them in place.
 */
import type { ConntrackEntry, CtDirection } from './conntrack.ts';
import { formatIp, type Ip } from './ip.ts';

/** `icmpv6` is ICMPv6 (next header 58, ip6tables' `ipv6-icmp`), the ICMP of IPv6 packets. */
export type IpProtocol = 'icmp' | 'tcp' | 'udp' | 'icmpv6';

export const PROTOCOL_NUMBERS: Readonly<Record<IpProtocol, number>> = {
  icmp: 1,
  tcp: 6,
  udp: 17,
  icmpv6: 58,
};

/** ICMP or ICMPv6: echo ids instead of ports, no port rewriting by NAT. */
export function isIcmp(protocol: IpProtocol): boolean {
  return protocol === 'icmp' || protocol === 'icmpv6';
}

/** TCP header flag bits, as on the wire. */
export const TCP_FLAGS = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

export type TcpFlagName = keyof typeof TCP_FLAGS;

export const ICMP_ECHO_REPLY = 0;
export const ICMP_DEST_UNREACH = 3;
export const ICMP_ECHO_REQUEST = 8;
export const ICMPV6_DEST_UNREACH = 1;
export const ICMPV6_ECHO_REQUEST = 128;
export const ICMPV6_ECHO_REPLY = 129;
export const ICMPV6_NEIGHBOUR_SOLICITATION = 135;
export const ICMPV6_NEIGHBOUR_ADVERTISEMENT = 136;

export interface Packet {
  protocol: IpProtocol;
  /** IPv4 as a u32 number, IPv6 as a bigint (ip.ts): the type is the packet's family. */
  saddr: Ip;
  daddr: Ip;
  /** TCP/UDP ports; for ICMP echo both carry the echo id (that is how conntrack keys it). */
  sport: number;
  dport: number;
  icmpType: number;
  icmpCode: number;
  /** Bitmask of TCP_FLAGS. */
  tcpFlags: number;
  /** Bytes on the wire at the IP layer (what iptables counters add). */
  length: number;
  /** Interface names; '' where the hook has none (iptables compares against ""). */
  inDev: string;
  outDev: string;
  mark: number;
  /** The conntrack entry attached by the conntrack hook; undefined = untracked/not yet seen. */
  ct?: ConntrackEntry;
  ctDir: CtDirection;
  /** An ICMP error about a tracked flow: conntrack classifies it RELATED. */
  relatedTo?: ConntrackEntry;
  notrack: boolean;
  /** Crossing between two ports of one bridge (br_netfilter), not routed. */
  bridged: boolean;
}

export function newPacket(
  fields: Partial<Packet> & Pick<Packet, 'protocol' | 'saddr' | 'daddr' | 'length'>,
): Packet {
  return {
    sport: 0,
    dport: 0,
    icmpType: 0,
    icmpCode: 0,
    tcpFlags: 0,
    inDev: '',
    outDev: '',
    mark: 0,
    ctDir: 'original',
    notrack: false,
    bridged: false,
    ...fields,
  };
}

export function tcpFlagNames(flags: number): string {
  const names = (Object.keys(TCP_FLAGS) as TcpFlagName[]).filter((n) => flags & TCP_FLAGS[n]);
  return names.length ? names.join(',') : 'NONE';
}

/** "tcp 172.17.0.2:40000 > 172.30.0.2:9000 [SYN]" — how the trace shows a packet. */
export function describePacket(p: Packet): string {
  const src = formatIp(p.saddr);
  const dst = formatIp(p.daddr);
  if (p.protocol === 'icmp' || p.protocol === 'icmpv6') {
    const v6 = p.protocol === 'icmpv6';
    const kind =
      p.icmpType === (v6 ? ICMPV6_ECHO_REQUEST : ICMP_ECHO_REQUEST)
        ? 'echo-request'
        : p.icmpType === (v6 ? ICMPV6_ECHO_REPLY : ICMP_ECHO_REPLY)
          ? 'echo-reply'
          : v6 && p.icmpType === ICMPV6_NEIGHBOUR_SOLICITATION
            ? 'neighbour-solicitation'
            : v6 && p.icmpType === ICMPV6_NEIGHBOUR_ADVERTISEMENT
              ? 'neighbour-advertisement'
              : `type ${p.icmpType} code ${p.icmpCode}`;
    return `${p.protocol} ${src} > ${dst} ${kind} (${p.length} bytes)`;
  }
  if (typeof p.saddr === 'bigint')
    return `${p.protocol} [${src}]:${p.sport} > [${dst}]:${p.dport}${p.protocol === 'tcp' ? ` [${tcpFlagNames(p.tcpFlags)}]` : ''} (${p.length} bytes)`;
  const flags = p.protocol === 'tcp' ? ` [${tcpFlagNames(p.tcpFlags)}]` : '';
  return `${p.protocol} ${src}:${p.sport} > ${dst}:${p.dport}${flags} (${p.length} bytes)`;
}
