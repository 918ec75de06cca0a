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
import { iptablesOf, iptablesStateOf, materializedBuiltinsOf, nftablesOf } from '../firewall-state.ts';
import type { FlowResult, FlowSpec, HostState } from '../host-types.ts';
import type { NftRuleset } from '../nft/types.ts';
import type { Ruleset } from '../types.ts';
import { indexRuleset, type WalkContext } from './chain-walk.ts';
import { ConntrackTable } from './conntrack.ts';
import { iptablesUsesConntrack, nftUsesConntrack } from './conntrack-users.ts';
import { FlowRunner } from './flow-runner.ts';
import { tryParseIp } from './ip.ts';
import { NativeHooks } from './native-hooks.ts';
import { PacketPath } from './packet-path.ts';
import { type RoutingTable, routingFor } from './routing.ts';
import { CounterRecorder, PathTracer } from './trace.ts';

export interface RunFlowOptions {
  /** Share one table across flows (a live host); default: a fresh table per flow. */
  conntrack?: ConntrackTable;
  /** Record the packet path (default true); off for benchmarks. */
  trace?: boolean;
}

const EMPTY_IP6 = new WeakMap<HostState, Ruleset>();

/** The ruleset an IPv6 flow walks: ip6tables' tables, or (none on the host) empty ones. */
function ip6RulesetOf(host: HostState): Ruleset {
  const own = iptablesStateOf(host.firewall, 'iptables-nft', 'ipv6');
  if (own) return own.ruleset;
  let empty = EMPTY_IP6.get(host);
  if (!empty) {
    empty = { tables: [] };
    EMPTY_IP6.set(host, empty);
  }
  return empty;
}

type Family = 'ipv4' | 'ipv6';

/** The tables one family's packets walk on `host`, with a recorder of what they count. */
function familyContext(
  host: HostState,
  family: Family,
  routing: RoutingTable,
  tracer: PathTracer,
  nftRuleset: NftRuleset | undefined,
) {
  const ruleset = family === 'ipv6' ? ip6RulesetOf(host) : iptablesOf(host.firewall);
  const index = indexRuleset(ruleset);
  const counters = new CounterRecorder(index.order);
  const ctx: WalkContext = {
    index,
    compiled: new Map(),
    lazyBuiltins: host.nftLazyBuiltinChains !== false,
    materialized: new Set(materializedBuiltinsOf(host.firewall, family)),
    routing,
    ipsets: host.ipsets ?? {},
    counters,
    tracer,
  };
  // iptables-legacy's rules (if any) count on their own rules, not in the flow's deltas.
  // (iptables-legacy's IPv6 tables are not modelled.)
  const legacyRuleset =
    family === 'ipv4' ? iptablesStateOf(host.firewall, 'iptables-legacy')?.ruleset : undefined;
  const legacyIndex = legacyRuleset && indexRuleset(legacyRuleset);
  const legacy: WalkContext | undefined = legacyIndex && {
    ...ctx,
    index: legacyIndex,
    compiled: new Map(),
    lazyBuiltins: false,
    materialized: new Set(),
    counters: new CounterRecorder(legacyIndex.order),
    label: 'iptables-legacy',
  };
  const tracksConnections =
    iptablesUsesConntrack(ruleset) ||
    iptablesUsesConntrack(legacyRuleset) ||
    nftUsesConntrack(nftRuleset, family);
  return { ctx, counters, legacy, tracksConnections };
}

export function runFlow(host: HostState, flow: FlowSpec, options: RunFlowOptions = {}): FlowResult {
  const routing = routingFor(host);
  // The packet's family picks the tables: iptables' for IPv4, ip6tables' for IPv6.
  const family: Family = typeof tryParseIp(flow.from) === 'bigint' ? 'ipv6' : 'ipv4';
  const tracer = new PathTracer(options.trace !== false);
  const conntrack = options.conntrack ?? new ConntrackTable();
  const nftRuleset = nftablesOf(host.firewall);
  const native = nftRuleset ? new NativeHooks(nftRuleset, routing, tracer) : undefined;
  const runnerFor = (f: Family, other?: () => FlowRunner) => {
    const { ctx, counters, legacy, tracksConnections } = familyContext(host, f, routing, tracer, nftRuleset);
    const runner = new FlowRunner(
      host,
      routing,
      new PacketPath(host, conntrack, ctx, legacy, native, tracksConnections),
      conntrack,
      tracer,
      counters,
      f === 'ipv6',
      other,
    );
    return { runner, counters };
  };
  // docker-proxy may relay to the other family (a [::] listener, an IPv4-only container):
  // that connection walks the other family's tables, counting on their rules as the kernel does.
  const otherFamily: Family = family === 'ipv6' ? 'ipv4' : 'ipv6';
  let other: ReturnType<typeof runnerFor> | undefined;
  const { runner, counters } = runnerFor(family, () => {
    other ??= runnerFor(otherFamily);
    return other.runner;
  });
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
    ...(family === 'ipv6' ? { family } : {}),
    counters: counters.list(),
    ...(other ? { relayCounters: { family: otherFamily, counters: other.counters.list() } } : {}),
    ...(native ? { nftCounters: native.list() } : {}),
    path: tracer.steps,
    ...(variations.length > 0 ? { variations } : {}),
  };
}
