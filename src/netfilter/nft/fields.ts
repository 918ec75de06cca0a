/**
 * What a selector reads from a packet (`ip daddr`, `oifname`, `ct state`, `ip saddr . tcp
 * dport`) and how the values it is compared with are read. One Field per selector text,
 * kept for the life of the process: set lookups are cached per field (set-lookup.ts).
 */
import { type CtState, ctStateOf } from '../path/conntrack.ts';
import type { Packet } from '../path/packet.ts';
import type { RoutingTable } from '../path/routing.ts';
import type { NftHook } from './types.ts';
import {
  ctStateSpans,
  icmpTypeSpans,
  icmpv6TypeSpans,
  interfaceSpans,
  ipv4Spans,
  ipv6Spans,
  type KeySpan,
  NftValueError,
  portSpans,
  protocolSpans,
  type Scalar,
  type SpanParser,
  tupleSpans,
} from './values.ts';

export interface NftEnv {
  hook: NftHook;
  routing: RoutingTable;
}

export interface Field {
  /** The packet's key; undefined where it has no such field (then no rule with it matches). */
  read: (p: Packet, env: NftEnv) => Scalar | readonly Scalar[] | undefined;
  parse: SpanParser;
  /**
   * A bit field (`ct status`): a value matches when the packet has any of its bits,
   * not when it equals them.
   */
  bits?: true;
}

const STATE_NAMES: Readonly<Record<CtState, string>> = {
  NEW: 'new',
  ESTABLISHED: 'established',
  RELATED: 'related',
  INVALID: 'invalid',
  UNTRACKED: 'untracked',
};

/** `tcp dport`: the port of a packet of that protocol; `th dport`: of any transport header. */
function l4(proto: 'tcp' | 'udp' | undefined, key: 'sport' | 'dport'): Field {
  return {
    read: (p) =>
      proto === undefined
        ? p.protocol !== 'icmp' && p.protocol !== 'icmpv6'
          ? p[key]
          : undefined
        : p.protocol === proto
          ? p[key]
          : undefined,
    parse: portSpans,
  };
}

/** The status bits the twin's conntrack keeps; `assured`, `expected`, `dying` … it does not. */
const CT_STATUS = new Set(['seen-reply', 'confirmed', 'snat', 'dnat']);

function ctStatusSpans(text: string): KeySpan[] {
  return text.split(',').map((s) => {
    if (!CT_STATUS.has(s))
      throw new NftValueError(`ct status "${s}" is not modelled (only ${[...CT_STATUS].join(', ')})`);
    return { kind: 'exact', value: s };
  });
}

function ctStatusOf(p: Packet): string[] {
  const ct = p.ct;
  if (!ct) return [];
  const out: string[] = [];
  if (ct.confirmed) out.push('confirmed');
  if (ct.seenReply) out.push('seen-reply');
  if (ct.nat.dst) out.push('dnat');
  if (ct.nat.src) out.push('snat');
  return out;
}

function scalarField(selector: string): Field | undefined {
  switch (selector) {
    case 'iifname':
    case 'iif':
    case 'meta iifname':
    case 'meta iif':
      return { read: (p) => p.inDev, parse: interfaceSpans };
    case 'oifname':
    case 'oif':
    case 'meta oifname':
    case 'meta oif':
      return { read: (p) => p.outDev, parse: interfaceSpans };
    // An `ip` field in an inet table carries nft's implicit `meta nfproto ipv4`: absent
    // (no match, whatever the operator) on an IPv6 packet, and `ip6` fields on IPv4 ones.
    case 'ip saddr':
      return { read: (p) => (typeof p.saddr === 'number' ? p.saddr : undefined), parse: ipv4Spans };
    case 'ip daddr':
      return { read: (p) => (typeof p.daddr === 'number' ? p.daddr : undefined), parse: ipv4Spans };
    case 'ip6 saddr':
      return { read: (p) => (typeof p.saddr === 'bigint' ? p.saddr : undefined), parse: ipv6Spans };
    case 'ip6 daddr':
      return { read: (p) => (typeof p.daddr === 'bigint' ? p.daddr : undefined), parse: ipv6Spans };
    case 'ip protocol':
      return { read: (p) => (typeof p.daddr === 'number' ? p.protocol : undefined), parse: protocolSpans };
    case 'ip6 nexthdr':
      return { read: (p) => (typeof p.daddr === 'bigint' ? p.protocol : undefined), parse: protocolSpans };
    case 'meta l4proto':
      return { read: (p) => p.protocol, parse: protocolSpans };
    case 'meta nfproto':
      return {
        read: (p) => (typeof p.daddr === 'bigint' ? 'ipv6' : 'ipv4'),
        parse: (t) => [{ kind: 'exact', value: t }],
      };
    case 'icmpv6 type':
      return { read: (p) => (p.protocol === 'icmpv6' ? p.icmpType : undefined), parse: icmpv6TypeSpans };
    case 'tcp dport':
      return l4('tcp', 'dport');
    case 'tcp sport':
      return l4('tcp', 'sport');
    case 'udp dport':
      return l4('udp', 'dport');
    case 'udp sport':
      return l4('udp', 'sport');
    case 'th dport':
      return l4(undefined, 'dport');
    case 'th sport':
      return l4(undefined, 'sport');
    case 'icmp type':
      return { read: (p) => (p.protocol === 'icmp' ? p.icmpType : undefined), parse: icmpTypeSpans };
    case 'ct state':
      return { read: (p) => STATE_NAMES[ctStateOf(p)], parse: ctStateSpans };
    case 'ct status':
      return { read: ctStatusOf, parse: ctStatusSpans, bits: true };
    default:
      return undefined;
  }
}

const fields = new Map<string, Field | undefined>();

/** The field a selector reads, or undefined when nettwin does not model it. */
export function fieldOf(selector: string): Field | undefined {
  if (fields.has(selector)) return fields.get(selector);
  let field: Field | undefined;
  const parts = selector.split(' . ');
  if (parts.length === 1) field = scalarField(selector);
  else {
    const each = parts.map(scalarField);
    if (each.every((f): f is Field => f !== undefined && !f.bits)) {
      field = {
        read: (p, env) => {
          const values: Scalar[] = [];
          for (const f of each) {
            const v = f.read(p, env);
            if (v === undefined || typeof v === 'object') return undefined;
            values.push(v);
          }
          return values;
        },
        parse: tupleSpans(each.map((f) => f.parse)),
      };
    }
  }
  fields.set(selector, field);
  return field;
}
