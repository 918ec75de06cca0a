/**
 * The hooks a packet crosses, in kernel order (tables by hook priority):
 *
 *  from a neighbour on DEV                        host-originated
 *  raw PREROUTING                                 routing decision (source chosen)
 *  conntrack (lookup / new unconfirmed entry)     raw OUTPUT
 *  mangle PREROUTING                              conntrack
 *  nat PREROUTING (DNAT; NEW + not yet set up)    mangle OUTPUT
 *  routing decision ──────────────┐               nat OUTPUT (DNAT; first packet)
 *  local:                         │ forward:      filter OUTPUT, security OUTPUT
 *   mangle INPUT                  │  ip_forward=1 reroute if DNAT changed the destination
 *   filter INPUT, security INPUT  │  (or bridged: mangle POSTROUTING
 *   nat INPUT (SNAT; first pkt)   │  br_netfilter) nat POSTROUTING (SNAT; first packet)
 *   conntrack confirm → socket    │  mangle/filter/ conntrack confirm → out (lo: back in
 *                                 │  security FORWARD  at PREROUTING, NAT already done)
 *                                 └→ POSTROUTING (as on the right) → out to the neighbour
 *
 * A packet between two ports of one Linux bridge crosses PREROUTING, FORWARD (-i br -o br)
 * and POSTROUTING too (br_netfilter) and needs no ip_forward (ground truth e1).
 */
import type { HostState } from '../host-types.ts';
import type { Hook, TableName } from '../types.ts';
import { type HookVerdict, type WalkContext, walkHook } from './chain-walk.ts';
import { type ConntrackTable, ctStateOf, formatTuple, type NatManip } from './conntrack.ts';
import { formatIp, type Ip } from './ip.ts';
import { CONNTRACK_PRIORITY, IPTABLES_PRIORITY, NAT_PRIORITY, type NativeHooks } from './native-hooks.ts';
import { describePacket, isIcmp, type Packet } from './packet.ts';
import type { RouteDecision } from './routing.ts';
import type { RejectWith } from './targets/target.ts';

export type PathOutcome =
  /** Reached the host's socket layer. */
  | { kind: 'local'; p: Packet }
  /** Left the host on `dev` toward `p.daddr` (through the gateway `via` if set). */
  | { kind: 'out'; p: Packet; dev: string; via?: Ip }
  | { kind: 'drop'; p: Packet; reason: string }
  /** Dropped by REJECT (or by the routing code): the host answers the sender with an error. */
  | { kind: 'reject'; p: Packet; with: RejectWith; by: string }
  /** Host-originated with no route: the sender's connect()/sendto() fails at once. */
  | { kind: 'unreachable'; p: Packet; reason: string };

/** What a hook runs besides native nft chains, in iptables' priority order. */
type HookPart = Exclude<TableName, 'nat'> | 'conntrack' | 'nat';

const HOOK_PARTS: Readonly<Record<Hook, readonly HookPart[]>> = {
  PREROUTING: ['raw', 'conntrack', 'mangle', 'nat'],
  INPUT: ['mangle', 'filter', 'security', 'nat'],
  FORWARD: ['mangle', 'filter', 'security'],
  OUTPUT: ['raw', 'conntrack', 'mangle', 'nat', 'filter', 'security'],
  POSTROUTING: ['mangle', 'nat'],
};

/** Which NAT a hook's nat step sets up. */
const HOOK_MANIP: Readonly<Record<Hook, NatManip>> = {
  PREROUTING: 'dst',
  OUTPUT: 'dst',
  INPUT: 'src',
  POSTROUTING: 'src',
  FORWARD: 'dst',
};

function priorityOf(part: HookPart, hook: Hook): number {
  if (part === 'conntrack') return CONNTRACK_PRIORITY;
  if (part === 'nat') return NAT_PRIORITY[HOOK_MANIP[hook]];
  return IPTABLES_PRIORITY[part];
}

export class PacketPath {
  constructor(
    private readonly host: HostState,
    private readonly conntrack: ConntrackTable,
    private readonly ctx: WalkContext,
    /** iptables-legacy's tables (HostState.firewall's iptables-legacy entry), walked after nft's at each hook. */
    private readonly legacy?: WalkContext,
    /** Native nft base chains (HostState.firewall's nftables entry), run by priority among iptables' tables. */
    private readonly native?: NativeHooks,
    /** Conntrack runs for this family only while a rule needs it (conntrack-users.ts). */
    private readonly tracksConnections = true,
  ) {}

  /**
   * One hook: iptables' tables, conntrack and NAT at their fixed priorities, and the
   * native base chains at theirs, in ascending priority (at equal priority iptables'
   * table first). An accept ends one base chain only; anything else ends the hook.
   * Public for neighbour-discovery.ts: a multicast NS crosses hooks no route decides.
   */
  hook(hook: Hook, p: Packet, looped = false): HookVerdict {
    const parts = HOOK_PARTS[hook];
    const natives = this.native?.at(hook, typeof p.daddr === 'bigint' ? 'ipv6' : 'ipv4').filter ?? [];
    let n = 0;
    for (const part of parts) {
      const priority = priorityOf(part, hook);
      for (; n < natives.length && (natives[n]?.priority ?? 0) < priority; n++) {
        const v = this.native?.walk(natives[n] as (typeof natives)[number], hook, p) ?? ACCEPT;
        if (v.kind !== 'accept') return v;
      }
      let v: HookVerdict = ACCEPT;
      if (part === 'conntrack') {
        if (!looped) this.conntrackIn(p);
      } else if (part === 'nat') v = this.nat(p, hook, HOOK_MANIP[hook]);
      else v = this.walk(part, hook, p);
      if (v.kind !== 'accept') return v;
    }
    for (; n < natives.length; n++) {
      const v = this.native?.walk(natives[n] as (typeof natives)[number], hook, p) ?? ACCEPT;
      if (v.kind !== 'accept') return v;
    }
    return ACCEPT;
  }

  private get tracer() {
    return this.ctx.tracer;
  }

  /** A packet a neighbour sent to the host's interface `dev`. */
  receive(p: Packet, dev: string): PathOutcome {
    p.inDev = dev;
    p.outDev = '';
    if (this.tracer.enabled) this.tracer.step(p, 'note', `arrives on ${dev}: ${describePacket(p)}`);
    const routing = this.ctx.routing;
    const v6 = typeof p.daddr === 'bigint';
    const callKey = v6 ? 'net.bridge.bridge-nf-call-ip6tables' : 'net.bridge.bridge-nf-call-iptables';
    if (this.host.sysctls[callKey] === '0' && routing.kindOf(dev) === 'bridge') {
      const looked = routing.lookup(p.daddr);
      const route = this.portRoute(dev, p.daddr, looked) ?? looked;
      if (route.kind === 'unicast' && route.dev === dev) {
        // br_netfilter is told to stay out: the bridge forwards the frame, no hook sees it.
        p.outDev = dev;
        p.bridged = true;
        this.tracer.step(
          p,
          'note',
          `bridged on ${dev} without ${v6 ? 'ip6tables' : 'iptables'} (${callKey}=0)`,
        );
        return { kind: 'out', p, dev };
      }
    }
    return this.prerouting(p, false);
  }

  /** A packet the host itself sends (saddr already chosen by the caller). */
  send(p: Packet): PathOutcome {
    p.inDev = '';
    if (this.tracer.enabled) this.tracer.step(p, 'note', `sent by the host: ${describePacket(p)}`);
    let route = this.ctx.routing.lookup(p.daddr);
    if (route.kind === 'unreachable') {
      return { kind: 'unreachable', p, reason: `no route to ${formatIp(p.daddr)}` };
    }
    p.outDev = route.kind === 'local' ? 'lo' : route.dev;
    this.traceRoute(p, route);
    const daddr = p.daddr;
    const v = this.hook('OUTPUT', p);
    if (v.kind !== 'accept') return this.stopped(p, v);
    if (p.daddr !== daddr) {
      // ip_route_me_harder: the destination changed, so does the way out.
      route = this.ctx.routing.lookup(p.daddr);
      if (route.kind === 'unreachable')
        return { kind: 'unreachable', p, reason: `no route to ${formatIp(p.daddr)}` };
      p.outDev = route.kind === 'local' ? 'lo' : route.dev;
      this.traceRoute(p, route, 'reroute after DNAT');
    }
    const out = this.postrouting(p, route);
    if (out.kind !== 'out' || out.dev !== 'lo') return out;
    // Over loopback the packet comes back in; its conntrack entry (and NAT) travel with it.
    p.inDev = 'lo';
    p.outDev = '';
    this.tracer.step(p, 'note', 'loops back in on lo');
    return this.prerouting(p, true);
  }

  private prerouting(p: Packet, looped: boolean): PathOutcome {
    const origDaddr = p.daddr;
    const dev = p.inDev;
    const pre = this.hook('PREROUTING', p, looped);
    if (pre.kind !== 'accept') return this.stopped(p, pre);
    // A frame for another port of the bridge stays on it unless DNAT moved its destination.
    const looked = this.ctx.routing.lookup(p.daddr);
    const route = (p.daddr === origDaddr && this.portRoute(dev, p.daddr, looked)) || looked;
    this.traceRoute(p, route);
    if (route.kind === 'local') return this.input(p);
    if (route.kind === 'unreachable') {
      return {
        kind: 'reject',
        p,
        with: typeof p.daddr === 'bigint' ? 'icmp6-no-route' : 'icmp-net-unreachable',
        by: `routing: no route to ${formatIp(p.daddr)}`,
      };
    }
    const routing = this.ctx.routing;
    const bridged = routing.kindOf(dev) === 'bridge' && route.dev === dev && !routing.isLocal(origDaddr);
    const forwarding = typeof p.daddr === 'bigint' ? 'net.ipv6.conf.all.forwarding' : 'net.ipv4.ip_forward';
    if (!bridged && this.host.sysctls[forwarding] !== '1') {
      return { kind: 'drop', p, reason: `not forwarded: ${forwarding} is not 1` };
    }
    p.bridged = bridged;
    if (bridged) this.tracer.step(p, 'note', `bridged on ${dev} (br_netfilter: FORWARD -i ${dev} -o ${dev})`);
    p.outDev = route.dev;
    const forward = this.hook('FORWARD', p);
    if (forward.kind !== 'accept') return this.stopped(p, forward);
    return this.postrouting(p, route);
  }

  private input(p: Packet): PathOutcome {
    p.outDev = '';
    const v = this.hook('INPUT', p);
    if (v.kind !== 'accept') return this.stopped(p, v);
    this.confirm(p);
    if (this.tracer.enabled) this.tracer.step(p, 'deliver', `delivered to the host (${describePacket(p)})`);
    return { kind: 'local', p };
  }

  private postrouting(p: Packet, route: RouteDecision): PathOutcome {
    const v = this.hook('POSTROUTING', p);
    if (v.kind !== 'accept') return this.stopped(p, v);
    this.confirm(p);
    const via = route.kind === 'unicast' ? route.via : undefined;
    if (this.tracer.enabled)
      this.tracer.step(
        p,
        'deliver',
        `leaves on ${p.outDev}${via === undefined ? '' : ` via ${formatIp(via)}`}: ${describePacket(p)}`,
      );
    return { kind: 'out', p, dev: p.outDev, via };
  }

  private walk(table: TableName, hook: Hook, p: Packet): HookVerdict {
    // Same priority: the hook registered last runs first (nf_hook_entries_grow), and the
    // legacy table registers when first used, after Docker's nft chains (HostState.firewall).
    if (this.legacy && table !== 'nat') {
      const legacy = walkHook(this.legacy, table, hook, p);
      if (legacy.kind === 'drop' || legacy.kind === 'reject')
        return { ...legacy, by: `${this.legacy.label ?? 'iptables-legacy'}: ${legacy.by}` };
      if (legacy.kind !== 'accept') return legacy;
    }
    return walkHook(this.ctx, table, hook, p);
  }

  private stopped(p: Packet, v: HookVerdict): PathOutcome {
    if (v.kind === 'reject') {
      this.tracer.step(p, 'drop', `rejected (${v.with}) by ${v.by}`);
      return { kind: 'reject', p, with: v.with, by: v.by };
    }
    const by = v.kind === 'drop' ? v.by : 'unexpected verdict';
    this.tracer.step(p, 'drop', `dropped by ${by}`);
    return { kind: 'drop', p, reason: `dropped by ${by}` };
  }

  /** The conntrack hook: find the entry (and direction) or start a new, unconfirmed one. */
  private conntrackIn(p: Packet): void {
    if (p.notrack || p.relatedTo) {
      this.tracer.step(p, 'conntrack', `conntrack: ${ctStateOf(p)}`);
      return;
    }
    if (p.ct) return;
    if (!this.tracksConnections) {
      // No entry: the nat hooks have nothing to bind and skip their chains.
      if (this.tracer.enabled)
        this.tracer.step(p, 'conntrack', 'conntrack: not running for this family (no rule needs it)');
      return;
    }
    const found = this.conntrack.lookup(p);
    if (found) {
      p.ct = found.entry;
      p.ctDir = found.dir;
      if (found.dir === 'reply') found.entry.seenReply = true;
    } else {
      p.ct = this.conntrack.create(p);
      p.ctDir = 'original';
    }
    if (this.tracer.enabled)
      this.tracer.step(
        p,
        'conntrack',
        `conntrack: ${ctStateOf(p)} (${p.ctDir} of ${formatTuple(p.ct.original)})`,
      );
  }

  private confirm(p: Packet): void {
    if (p.ct && p.ctDir === 'original' && !p.ct.confirmed) {
      this.conntrack.confirm(p.ct);
      if (this.tracer.enabled)
        this.tracer.step(p, 'conntrack', `conntrack: entry confirmed (${formatTuple(p.ct.original)})`);
    }
  }

  /**
   * A nat hook: the nat chain runs only for a NEW packet whose entry has no binding of
   * this kind yet; then every packet of the flow (either direction) is rewritten from
   * the entry's tuples, as nf_nat_packet does.
   */
  private nat(p: Packet, hook: Hook, manip: NatManip): HookVerdict {
    const ct = p.ct ?? p.relatedTo;
    if (!ct || p.notrack) return ACCEPT;
    if (!p.relatedTo && ctStateOf(p) === 'NEW' && !ct.natInitialized[manip]) {
      const v = this.natChains(p, hook, manip);
      if (v.kind === 'drop' || v.kind === 'reject') return v;
      ct.natInitialized[manip] = true;
      if (v.kind === 'nat') {
        if (v.manip !== manip) {
          throw new Error(
            `${v.target} (${v.by}) cannot be used in nat ${hook}: it changes the ${v.manip === 'src' ? 'source' : 'destination'}`,
          );
        }
        if (manip === 'dst') {
          if (v.address !== undefined) ct.reply.src = v.address;
          if (v.port !== undefined && !isIcmp(ct.original.protocol)) ct.reply.sport = v.port;
          ct.nat.dst = true;
        } else {
          if (v.address !== undefined) ct.reply.dst = v.address;
          if (v.port !== undefined && !isIcmp(ct.original.protocol)) ct.reply.dport = v.port;
          ct.nat.src = true;
        }
      }
    }
    // Which NAT applies here: in the original direction the kind of this hook, in the
    // reply direction the other kind (un-DNAT the source, un-SNAT the destination).
    const dir = p.relatedTo ? 'reply' : p.ctDir;
    const bound = dir === 'original' ? ct.nat[manip] : ct.nat[manip === 'src' ? 'dst' : 'src'];
    if (!bound) return ACCEPT;
    const other = dir === 'original' ? ct.reply : ct.original;
    const before = this.tracer.enabled ? describePacket(p) : '';
    if (manip === 'dst') {
      p.daddr = other.src;
      if (!isIcmp(p.protocol)) p.dport = other.sport;
    } else {
      p.saddr = other.dst;
      if (!isIcmp(p.protocol)) p.sport = other.dport;
    }
    const after = this.tracer.enabled ? describePacket(p) : '';
    if (before !== after)
      this.tracer.step(p, 'nat', `${manip === 'dst' ? 'DNAT' : 'SNAT'} ${hook}: ${before} -> ${after}`);
    return ACCEPT;
  }

  /**
   * The nat chains of a hook, as nf_nat runs them for a new flow: iptables' nat table and
   * native nat chains in priority order, until one of them binds the flow.
   */
  private natChains(p: Packet, hook: Hook, manip: NatManip): HookVerdict {
    const natives = this.native?.at(hook, typeof p.daddr === 'bigint' ? 'ipv6' : 'ipv4').nat ?? [];
    const iptables = NAT_PRIORITY[manip];
    let walkedIptables = false;
    for (let n = 0; n <= natives.length; n++) {
      const native = natives[n];
      if (!walkedIptables && (native === undefined || native.priority >= iptables)) {
        walkedIptables = true;
        const v = this.walk('nat', hook, p);
        if (v.kind !== 'accept') return v;
      }
      if (native === undefined) break;
      const v = this.native?.walk(native, hook, p) ?? ACCEPT;
      if (v.kind !== 'accept') return v;
    }
    return ACCEPT;
  }

  /**
   * A packet a neighbour on bridge `dev` sent to another neighbour on it went out in a
   * frame for that port's MAC: the bridge forwards it (br_netfilter still calls FORWARD
   * -i dev -o dev) whatever the host's routes say. Almost always the host's route agrees
   * (the bridge holds an address in the subnet); this answers only where it does not — a
   * bridge without an address of that family (gateway mode `isolated`), where the host has
   * no route at all. undefined: routing decides.
   */
  private portRoute(dev: string, daddr: Ip, route: RouteDecision): RouteDecision | undefined {
    if (route.kind === 'local' || (route.kind === 'unicast' && route.dev === dev)) return undefined;
    if (!dev || this.ctx.routing.kindOf(dev) !== 'bridge') return undefined;
    const address = formatIp(daddr);
    // Cross-bridge packets ask this on every packet: a set, not a scan of 10,000 neighbours.
    this.ports ??= new Set(this.host.neighbours.map((n) => `${n.dev} ${n.address}`));
    if (!this.ports.has(`${dev} ${address}`)) return undefined;
    return { kind: 'unicast', dev, route: `a port of bridge ${dev}` };
  }

  /** `dev address` of every neighbour, made at the first question (neighbours do not change in a flow). */
  private ports?: Set<string>;

  private traceRoute(p: Packet, route: RouteDecision, why = 'routing'): void {
    if (!this.tracer.enabled) return;
    const text =
      route.kind === 'local'
        ? `${why}: ${formatIp(p.daddr)} is local`
        : route.kind === 'unreachable'
          ? `${why}: no route to ${formatIp(p.daddr)}`
          : `${why}: ${formatIp(p.daddr)} via ${route.route}`;
    this.tracer.step(p, 'route', text);
  }
}

const ACCEPT: HookVerdict = { kind: 'accept' };
