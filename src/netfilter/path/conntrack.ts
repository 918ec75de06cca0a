/**
 * Connection tracking, as nf_conntrack does it for what Docker's rules look at:
 * tuples in both directions, NEW / ESTABLISHED / RELATED, NAT bindings that rewrite
 * the reply tuple, and *confirmation*: an entry enters the table only when its first
 * packet leaves the last hook (POSTROUTING or INPUT). A first packet that is dropped
 * earlier leaves nothing behind, so its retransmit is NEW again and traverses the nat
 * chains again (ground truth e2: 3 dropped pings count 3 in nat PREROUTING).
 */
import { formatIp, type Ip } from './ip.ts';
import { type IpProtocol, isIcmp, type Packet } from './packet.ts';

export type CtState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED';
export type CtDirection = 'original' | 'reply';
/** Which half of the tuple a nat hook rewrites: DST in PREROUTING/OUTPUT, SRC in POSTROUTING/INPUT. */
export type NatManip = 'src' | 'dst';

export interface Tuple {
  protocol: IpProtocol;
  /** IPv4 number or IPv6 bigint: one table holds both families (nf_conntrack keys by l3num too). */
  src: Ip;
  dst: Ip;
  /** Ports; for ICMP echo both hold the echo id. */
  sport: number;
  dport: number;
}

export interface ConntrackEntry {
  id: number;
  original: Tuple;
  /** What a reply looks like; NAT bindings rewrite it (nf_nat_setup_info). */
  reply: Tuple;
  confirmed: boolean;
  seenReply: boolean;
  /** A nat chain ran (or a null binding was made) for this manip type: never again. */
  natInitialized: Record<NatManip, boolean>;
  /** NAT kinds bound on this entry, for --ctstate SNAT/DNAT and the trace. */
  nat: { src: boolean; dst: boolean };
  mark: number;
}

export function tupleOf(p: Packet): Tuple {
  return { protocol: p.protocol, src: p.saddr, dst: p.daddr, sport: p.sport, dport: p.dport };
}

export function invertTuple(t: Tuple): Tuple {
  return { protocol: t.protocol, src: t.dst, dst: t.src, sport: t.dport, dport: t.sport };
}

function tupleKey(t: Tuple): string {
  // The family is part of the key: ::1 and 0.0.0.1 print as the same number.
  const family = typeof t.src === 'bigint' ? '6' : '4';
  return `${family}|${t.protocol}|${t.src}|${t.sport}|${t.dst}|${t.dport}`;
}

export function formatTuple(t: Tuple): string {
  if (isIcmp(t.protocol)) return `${t.protocol} ${formatIp(t.src)} > ${formatIp(t.dst)} id=${t.sport}`;
  if (typeof t.src === 'bigint')
    return `${t.protocol} [${formatIp(t.src)}]:${t.sport} > [${formatIp(t.dst)}]:${t.dport}`;
  return `${t.protocol} ${formatIp(t.src)}:${t.sport} > ${formatIp(t.dst)}:${t.dport}`;
}

export class ConntrackTable {
  private readonly byTuple = new Map<string, { entry: ConntrackEntry; dir: CtDirection }>();
  private nextId = 1;
  private nextEphemeral = 40000;
  private nextEchoId = 1000;

  /** A client's ephemeral source port: distinct per connection, deterministic per table. */
  allocatePort(): number {
    const port = this.nextEphemeral;
    this.nextEphemeral = this.nextEphemeral >= 60999 ? 40000 : this.nextEphemeral + 1;
    return port;
  }

  /** A ping run's echo id: one per `ping` invocation, shared by its requests. */
  allocateEchoId(): number {
    return this.nextEchoId++;
  }

  lookup(p: Packet): { entry: ConntrackEntry; dir: CtDirection } | undefined {
    return this.byTuple.get(tupleKey(tupleOf(p)));
  }

  /** A new, unconfirmed entry for a packet that matched nothing in the table. */
  create(p: Packet): ConntrackEntry {
    const original = tupleOf(p);
    return {
      id: this.nextId++,
      original,
      reply: invertTuple(original),
      confirmed: false,
      seenReply: false,
      natInitialized: { src: false, dst: false },
      nat: { src: false, dst: false },
      mark: 0,
    };
  }

  /** The first packet survived its last hook: the entry (both tuples) enters the table. */
  confirm(entry: ConntrackEntry): void {
    if (entry.confirmed) return;
    entry.confirmed = true;
    this.byTuple.set(tupleKey(entry.original), { entry, dir: 'original' });
    this.byTuple.set(tupleKey(entry.reply), { entry, dir: 'reply' });
  }

  entries(): ConntrackEntry[] {
    const seen = new Set<ConntrackEntry>();
    for (const { entry } of this.byTuple.values()) seen.add(entry);
    return [...seen];
  }
}

/** The state a conntrack/state match sees (ctinfo, as iptables names it). */
export function ctStateOf(p: Packet): CtState {
  if (p.notrack) return 'UNTRACKED';
  if (p.relatedTo) return 'RELATED';
  if (!p.ct) return 'INVALID';
  if (p.ctDir === 'reply' || p.ct.seenReply) return 'ESTABLISHED';
  return 'NEW';
}
