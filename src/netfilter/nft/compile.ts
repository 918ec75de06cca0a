/**
 * One nft rule → the steps the kernel runs for it, in order: a match that fails ends the
 * rule (nft's NFT_BREAK), a `counter` counts the packets that got that far, a verdict or a
 * NAT statement ends the chain, a verdict map looks its key up (no element: the rule
 * ends). Compiled once per rule; a statement the twin does not model compiles to a step
 * that refuses by name when a packet reaches it.
 */
import { type CtState, ctStateOf } from '../path/conntrack.ts';
import type { Packet } from '../path/packet.ts';
import type { RoutingTable } from '../path/routing.ts';
import type { NftCounter, NftHook, NftRule, NftSet, NftStatement, NftValue, NftVerdict } from './types.ts';
import {
  anyOf,
  ctStateElement,
  type Element,
  icmpTypeElement,
  interfaceElement,
  ipv4Element,
  NftValueError,
  portElement,
  protocolElement,
} from './values.ts';

export interface NftEnv {
  hook: NftHook;
  routing: RoutingTable;
}

export type NftStep =
  | { kind: 'test'; test: (p: Packet, env: NftEnv) => boolean }
  | { kind: 'counter'; statement: NftStatement & { kind: 'counter' } }
  | { kind: 'verdict'; verdict: NftVerdict }
  | { kind: 'vmap'; lookup: (p: Packet, env: NftEnv) => NftVerdict | undefined }
  | { kind: 'nat'; statement: NftStatement & { kind: 'nat' } }
  | { kind: 'unsupported'; text: string };

/** Named sets and maps of the rule's table. */
export type SetLookup = (name: string) => NftSet | undefined;

function elementsOf(value: NftValue, sets: SetLookup): string[] {
  if (value.kind === 'literal') return [value.text];
  if (value.kind === 'set') return value.elements;
  const set = sets(value.name);
  if (!set) throw new NftValueError(`no set or map "@${value.name}" in this table`);
  return set.elements.map((e) => e.key);
}

type Field<T> = { read: (p: Packet, env: NftEnv) => T | undefined; element: (text: string) => Element<T> };

const STATE_NAMES: Readonly<Record<CtState, string>> = {
  NEW: 'new',
  ESTABLISHED: 'established',
  RELATED: 'related',
  INVALID: 'invalid',
  UNTRACKED: 'untracked',
};

const splitStates = (text: string) => (s: string) => text.split(',').some((t) => ctStateElement(t)(s));

/**
 * The packet field a selector reads; undefined where the packet has no such field (a
 * `tcp dport` on a UDP packet, an `ip6` field on IPv4), and then the rule does not match,
 * whichever the operator: nft adds that protocol dependency to the rule.
 */
function fieldOf(selector: string): Field<unknown> | undefined {
  const l4 = (proto: string | undefined, key: 'sport' | 'dport'): Field<number> => ({
    read: (p) =>
      proto === undefined
        ? p.protocol !== 'icmp'
          ? p[key]
          : undefined
        : p.protocol === proto
          ? p[key]
          : undefined,
    element: portElement,
  });
  switch (selector) {
    case 'iifname':
    case 'iif':
    case 'meta iifname':
    case 'meta iif':
      return { read: (p) => p.inDev, element: interfaceElement } as Field<unknown>;
    case 'oifname':
    case 'oif':
    case 'meta oifname':
    case 'meta oif':
      return { read: (p) => p.outDev, element: interfaceElement } as Field<unknown>;
    case 'ip saddr':
      return { read: (p) => p.saddr, element: ipv4Element } as Field<unknown>;
    case 'ip daddr':
      return { read: (p) => p.daddr, element: ipv4Element } as Field<unknown>;
    case 'ip6 saddr':
    case 'ip6 daddr':
    case 'ip6 nexthdr':
    case 'icmpv6 type':
      // The twin's packets are IPv4: an IPv6 field is absent.
      return { read: () => undefined, element: () => () => false };
    case 'ip protocol':
    case 'meta l4proto':
      return { read: (p) => p.protocol, element: protocolElement } as Field<unknown>;
    case 'meta nfproto':
      return { read: () => 'ipv4', element: (t) => (v) => v === t } as Field<unknown>;
    case 'tcp dport':
      return l4('tcp', 'dport') as Field<unknown>;
    case 'tcp sport':
      return l4('tcp', 'sport') as Field<unknown>;
    case 'udp dport':
      return l4('udp', 'dport') as Field<unknown>;
    case 'udp sport':
      return l4('udp', 'sport') as Field<unknown>;
    case 'th dport':
      return l4(undefined, 'dport') as Field<unknown>;
    case 'th sport':
      return l4(undefined, 'sport') as Field<unknown>;
    case 'icmp type':
      return {
        read: (p) => (p.protocol === 'icmp' ? p.icmpType : undefined),
        element: icmpTypeElement,
      } as Field<unknown>;
    case 'ct state':
      return { read: (p) => STATE_NAMES[ctStateOf(p)], element: splitStates } as Field<unknown>;
    case 'ct status':
      return {
        read: (p) => p.ct,
        element: (t: string) => (ct: Packet['ct']) =>
          t.split(',').some((s) => (s === 'dnat' ? !!ct?.nat.dst : s === 'snat' ? !!ct?.nat.src : false)),
      } as Field<unknown>;
    default:
      return undefined;
  }
}

function compileMatch(s: NftStatement & { kind: 'match' }, sets: SetLookup): NftStep {
  const field = fieldOf(s.selector);
  if (!field) return { kind: 'unsupported', text: `${s.selector} …` };
  if (s.op !== 'implicit' && s.op !== '==' && s.op !== '!=')
    return { kind: 'unsupported', text: `${s.selector} ${s.op}` };
  const test = anyOf(elementsOf(s.value, sets), field.element);
  const negate = s.op === '!=';
  return {
    kind: 'test',
    test: (p, env) => {
      const v = field.read(p, env);
      if (v === undefined) return false;
      return test(v) !== negate;
    },
  };
}

/** `fib daddr type local` / `fib saddr type …`: the route type of an address. */
function compileFib(s: NftStatement & { kind: 'fib' }, sets: SetLookup): NftStep {
  const [which, result] = s.words;
  if (s.words.length !== 2 || (which !== 'saddr' && which !== 'daddr') || result !== 'type') {
    return { kind: 'unsupported', text: `fib ${s.words.join(' ')}` };
  }
  const wanted = new Set(elementsOf(s.value, sets));
  const negate = s.op === '!=';
  return {
    kind: 'test',
    test: (p, env) => {
      const address = which === 'saddr' ? p.saddr : p.daddr;
      const type = env.routing.isLocal(address)
        ? 'local'
        : env.routing.isBroadcast(address)
          ? 'broadcast'
          : address >>> 28 === 0xe
            ? 'multicast'
            : 'unicast';
      return wanted.has(type) !== negate;
    },
  };
}

/** `jump x`, `goto x`, `accept` …: a verdict map's value. */
export function parseVerdictText(text: string): NftVerdict {
  const [word, chain] = text.trim().split(/\s+/);
  if (word === 'accept' || word === 'drop' || word === 'continue' || word === 'return') return { kind: word };
  if ((word === 'jump' || word === 'goto') && chain) return { kind: word, chain };
  throw new NftValueError(`"${text}" is not a verdict`);
}

function compileVmap(s: NftStatement & { kind: 'vmap' }, sets: SetLookup): NftStep {
  const field = fieldOf(s.selector);
  if (!field) return { kind: 'unsupported', text: `${s.selector} vmap` };
  let entries: Array<{ key: string; value: string }>;
  if (s.map.kind === 'inline') entries = s.map.entries;
  else if (s.map.kind === 'ref') {
    const map = sets(s.map.name);
    if (!map) throw new NftValueError(`no map "@${s.map.name}" in this table`);
    // The map is read when the packet arrives: Docker adds elements as networks come and go.
    return {
      kind: 'vmap',
      lookup: (p, env) => {
        const v = field.read(p, env);
        if (v === undefined) return undefined;
        const hit = map.elements.find((e) => field.element(e.key)(v));
        return hit ? parseVerdictText(hit.value) : undefined;
      },
    };
  } else return { kind: 'unsupported', text: `${s.selector} vmap ${s.map.kind}` };
  const compiled = entries.map((e) => ({ test: field.element(e.key), verdict: parseVerdictText(e.value) }));
  return {
    kind: 'vmap',
    lookup: (p, env) => {
      const v = field.read(p, env);
      if (v === undefined) return undefined;
      return compiled.find((c) => c.test(v))?.verdict;
    },
  };
}

export function compileNftRule(rule: NftRule, sets: SetLookup): NftStep[] {
  const steps: NftStep[] = [];
  for (const s of rule.statements) {
    switch (s.kind) {
      case 'match':
        steps.push(compileMatch(s, sets));
        break;
      case 'fib':
        steps.push(compileFib(s, sets));
        break;
      case 'vmap':
        steps.push(compileVmap(s, sets));
        break;
      case 'counter':
        steps.push({ kind: 'counter', statement: s });
        break;
      case 'verdict':
        steps.push({ kind: 'verdict', verdict: s.verdict });
        break;
      case 'nat':
        steps.push({ kind: 'nat', statement: s });
        break;
      case 'comment':
      case 'log':
        break;
      case 'unsupported':
        steps.push({ kind: 'unsupported', text: s.text });
        break;
    }
  }
  return steps;
}

/** Adds one packet of `bytes` to a counter statement, exactly (u64). */
export function countPacket(s: NftStatement & { kind: 'counter' }, bytes: number): NftCounter {
  s.counter ??= { packets: 0n, bytes: 0n };
  s.counter.packets += 1n;
  s.counter.bytes += BigInt(bytes);
  return s.counter;
}
