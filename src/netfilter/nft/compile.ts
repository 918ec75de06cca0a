/**
 * One nft rule → the steps the kernel runs for it, in order: a match that fails ends the
 * rule (nft's NFT_BREAK), a `counter` counts the packets that got that far, a verdict or a
 * NAT statement ends the chain, a verdict map looks its key up (no element: the rule
 * ends). Compiled once per rule; a statement the twin does not model compiles to a step
 * that refuses by name when a packet reaches it.
 */
import type { Packet } from '../path/packet.ts';
import { type Field, fieldOf, type NftEnv } from './fields.ts';
import { anonymousSetLookup, inlineMapLookup, namedSetLookup } from './set-lookup.ts';
import type {
  NftCounter,
  NftMapEntry,
  NftRule,
  NftSet,
  NftStatement,
  NftValue,
  NftVerdict,
} from './types.ts';
import { covers, NftValueError, type Scalar } from './values.ts';

export type { NftEnv } from './fields.ts';

export type NftStep =
  | { kind: 'test'; test: (p: Packet, env: NftEnv) => boolean }
  | { kind: 'counter'; statement: NftStatement & { kind: 'counter' } }
  | { kind: 'verdict'; verdict: NftVerdict }
  | { kind: 'vmap'; lookup: (p: Packet, env: NftEnv) => NftVerdict | undefined }
  | { kind: 'nat'; statement: NftStatement & { kind: 'nat' } }
  | { kind: 'unsupported'; text: string };

/** Named sets and maps of the rule's table. */
export type SetLookup = (name: string) => NftSet | undefined;

function namedSet(name: string, sets: SetLookup): NftSet {
  const set = sets(name);
  if (!set) throw new NftValueError(`no set or map "@${name}" in this table`);
  return set;
}

type Key = Scalar | readonly Scalar[];

/**
 * Does the packet's key belong to the value? A literal is one or two spans; a set, named
 * or anonymous, is a hash or interval lookup (set-lookup.ts). A named set is looked up
 * when the packet arrives: its elements may change between flows (Docker adds networks).
 */
function membership(field: Field, value: NftValue, sets: SetLookup): (v: Key) => boolean {
  if (value.kind === 'literal') {
    const spans = field.parse(value.text);
    const only = spans[0];
    if (spans.length === 1 && only?.kind === 'exact') return (v) => v === only.value;
    return (v) => spans.some((s) => covers(s, v));
  }
  if (value.kind === 'set') {
    const lookup = anonymousSetLookup(value.elements, field.parse);
    return (v) => lookup.get(v) !== undefined;
  }
  const set = namedSet(value.name, sets);
  namedSetLookup(set, field.parse); // read the elements now: a bad one is an error at compile time
  return (v) => namedSetLookup(set, field.parse).get(v) !== undefined;
}

function compileMatch(s: NftStatement & { kind: 'match' }, sets: SetLookup): NftStep {
  const field = fieldOf(s.selector);
  if (!field) return { kind: 'unsupported', text: `${s.selector} …` };
  if (s.op !== 'implicit' && s.op !== '==' && s.op !== '!=')
    return { kind: 'unsupported', text: `${s.selector} ${s.op}` };
  const negate = s.op === '!=';
  const member = membership(field, s.value, sets);
  if (field.bits) {
    // `ct status dnat`: any of the packet's bits among the value's.
    return {
      kind: 'test',
      test: (p, env) => {
        const bits = field.read(p, env) as readonly Scalar[];
        return bits.some((b) => member(b)) !== negate;
      },
    };
  }
  return {
    kind: 'test',
    test: (p, env) => {
      const v = field.read(p, env);
      if (v === undefined) return false;
      return member(v) !== negate;
    },
  };
}

/** `fib daddr type local` / `fib saddr type …`: the route type of an address. */
function compileFib(s: NftStatement & { kind: 'fib' }, sets: SetLookup): NftStep {
  const [which, result] = s.words;
  if (s.words.length !== 2 || (which !== 'saddr' && which !== 'daddr') || result !== 'type') {
    return { kind: 'unsupported', text: `fib ${s.words.join(' ')}` };
  }
  const v = s.value;
  const wanted = new Set(
    v.kind === 'literal'
      ? [v.text]
      : v.kind === 'set'
        ? v.elements
        : namedSet(v.name, sets).elements.map((e) => e.key),
  );
  const negate = s.op === '!=';
  return {
    kind: 'test',
    test: (p, env) => {
      const address = which === 'saddr' ? p.saddr : p.daddr;
      const type = env.routing.isLocal(address)
        ? 'local'
        : env.routing.isBroadcast(address)
          ? 'broadcast'
          : typeof address === 'bigint'
            ? address >> 120n === 0xffn
              ? 'multicast'
              : 'unicast'
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

const verdicts = new WeakMap<NftMapEntry, NftVerdict>();

/** A verdict map's value, read once per element. */
function verdictOf(entry: NftMapEntry): NftVerdict {
  let v = verdicts.get(entry);
  if (!v) {
    v = parseVerdictText(entry.value);
    verdicts.set(entry, v);
  }
  return v;
}

function compileVmap(s: NftStatement & { kind: 'vmap' }, sets: SetLookup): NftStep {
  const field = fieldOf(s.selector);
  if (!field || field.bits) return { kind: 'unsupported', text: `${s.selector} vmap` };
  if (s.map.kind === 'inline') {
    const entries = s.map.entries;
    const lookup = inlineMapLookup(entries, field.parse);
    entries.forEach(verdictOf);
    return {
      kind: 'vmap',
      lookup: (p, env) => {
        const v = field.read(p, env);
        const hit = v === undefined ? undefined : lookup.get(v);
        return hit === undefined ? undefined : verdictOf(entries[hit] as NftMapEntry);
      },
    };
  }
  if (s.map.kind !== 'ref') return { kind: 'unsupported', text: `${s.selector} vmap ${s.map.kind}` };
  const map = namedSet(s.map.name, sets);
  namedSetLookup(map, field.parse);
  // The map is read when the packet arrives: Docker adds elements as networks come and go.
  return {
    kind: 'vmap',
    lookup: (p, env) => {
      const v = field.read(p, env);
      const hit = v === undefined ? undefined : namedSetLookup(map, field.parse).get(v);
      return hit === undefined ? undefined : verdictOf(map.elements[hit] as NftMapEntry);
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
