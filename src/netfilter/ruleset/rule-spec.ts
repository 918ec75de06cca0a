/**
 * A rule specification as a command line (`-s … -m conntrack --ctstate … -j ACCEPT`)
 * to and from `RuleSpec`, with the canonical text iptables 1.8 (nft) prints:
 * `-s -d -i -o -p -f`, then each `-m NAME …` in the order given, then `-j`/`-g`.
 */
import type { Inverted, MatchSpec, Option, RuleSpec, TargetSpec } from '../types.ts';
import { AddressError, canonicalCidr } from './address.ts';
import {
  type ExtensionDef,
  findMatch,
  findOption,
  findTarget,
  IMPLICIT_PROTOCOL_MATCHES,
  type OptionDef,
} from './extensions.ts';
import { canonicalProtocol, ProtocolError } from './protocol.ts';
import { quoteIfNeeded, quoteSaveString } from './tokenize.ts';

export type RuleSpecErrorKind =
  | 'unknown-option'
  | 'unknown-match'
  | 'unknown-target'
  | 'missing-argument'
  | 'bad-value'
  | 'duplicate'
  | 'bad-invert';

/** A rule spec that iptables would refuse; `token` and `index` point at the culprit. */
export class RuleSpecError extends Error {
  constructor(
    readonly kind: RuleSpecErrorKind,
    message: string,
    readonly token: string,
    readonly index: number,
  ) {
    super(message);
    this.name = 'RuleSpecError';
  }
}

/**
 * Hook for a caller that mixes other options into the same argv (the iptables command
 * line: `-t nat -A DOCKER …`). Returns how many tokens it consumed at `index`, or 0.
 */
export type ForeignOptionHook = (argv: readonly string[], index: number) => number;

interface LoadedMatch {
  def: ExtensionDef;
  spec: MatchSpec;
}

const BUILTIN_LONG: Readonly<Record<string, string>> = {
  source: 's',
  src: 's',
  destination: 'd',
  dst: 'd',
  'in-interface': 'i',
  'out-interface': 'o',
  protocol: 'p',
  fragment: 'f',
  match: 'm',
  jump: 'j',
  goto: 'g',
};
const BUILTIN_SHORT = new Set(['s', 'd', 'i', 'o', 'p', 'f', 'm', 'j', 'g']);
const VALUE_SHORT = new Set(['s', 'd', 'i', 'o', 'p', 'm', 'j', 'g']);

/** Parses argv after `-A CHAIN` into a canonical RuleSpec. Throws RuleSpecError. */
export function parseRuleSpec(argv: readonly string[]): RuleSpec {
  return parseRuleArgs(argv).spec;
}

/**
 * The full parser: like parseRuleSpec, and also tells whether the target names a user
 * chain (not a target extension), so callers can check that the chain exists.
 */
export function parseRuleArgs(
  input: readonly string[],
  foreign?: ForeignOptionHook,
): { spec: RuleSpec; targetIsChain: boolean } {
  const argv = [...input];
  const spec: RuleSpec = { matches: [] };
  const loaded: LoadedMatch[] = [];
  let target: { def?: ExtensionDef; spec: TargetSpec } | undefined;
  let invert = false;
  let invertIndex = -1;
  let i = 0;
  const seen = new Set<string>();

  const fail = (kind: RuleSpecErrorKind, message: string, at = i): never => {
    throw new RuleSpecError(kind, message, argv[at] ?? '', at);
  };

  const takeValue = (option: string, invertible = true): { value: string; oldInvert: boolean } => {
    let oldInvert = false;
    let next = argv[i + 1];
    // Old style `-s ! 10.0.0.0/8`: iptables 1.8 still accepts it (with a warning).
    // A "!" after an option that cannot be inverted is its argument (`--comment !`).
    if (next === '!' && invertible) {
      oldInvert = true;
      i++;
      next = argv[i + 1];
    }
    if (next === undefined) fail('missing-argument', `option "${option}" requires an argument`);
    i++;
    return { value: next as string, oldInvert };
  };

  const applyBuiltin = (letter: string, written: string, attached?: string): void => {
    const atToken = i;
    let value = attached;
    let oldInvert = false;
    if (VALUE_SHORT.has(letter) && value === undefined) {
      ({ value, oldInvert } = takeValue(written));
    }
    const inv = invert || oldInvert;
    const consumeInvert = () => {
      invert = false;
    };
    const setOnce = <K extends 'source' | 'destination' | 'inInterface' | 'outInterface' | 'protocol'>(
      key: K,
      v: Inverted<string> | undefined,
    ) => {
      if (spec[key] !== undefined || seen.has(key))
        fail('duplicate', `multiple -${letter} flags not allowed`, atToken);
      seen.add(key);
      if (v !== undefined) spec[key] = v;
    };
    switch (letter) {
      case 's':
      case 'd': {
        let cidr: string | undefined;
        try {
          cidr = canonicalCidr(value as string);
        } catch (e) {
          if (e instanceof AddressError) fail('bad-value', e.message, atToken + 1);
          throw e;
        }
        setOnce(
          letter === 's' ? 'source' : 'destination',
          cidr === undefined && !inv ? undefined : { invert: inv, value: cidr ?? '0.0.0.0/0' },
        );
        break;
      }
      case 'i':
      case 'o': {
        const name = value as string;
        if (name.length === 0 || name.length > 15 || /[\s/]/.test(name)) {
          fail(
            'bad-value',
            `interface name "${name}" must be 1 to 15 characters without "/" or spaces`,
            atToken,
          );
        }
        setOnce(letter === 'i' ? 'inInterface' : 'outInterface', { invert: inv, value: name });
        break;
      }
      case 'p': {
        let proto: string | undefined;
        try {
          proto = canonicalProtocol(value as string);
        } catch (e) {
          if (e instanceof ProtocolError) fail('bad-value', e.message, atToken + 1);
          throw e;
        }
        setOnce('protocol', proto === undefined && !inv ? undefined : { invert: inv, value: proto ?? 'all' });
        break;
      }
      case 'f':
        if (spec.fragment) fail('duplicate', 'multiple -f flags not allowed', atToken);
        spec.fragment = { invert: inv, value: true };
        break;
      case 'm': {
        if (inv) fail('bad-invert', 'unexpected "!" before -m', invertIndex);
        const def = findMatch(value as string);
        if (!def) fail('unknown-match', `unknown match "${value}"`, atToken + (attached ? 0 : 1));
        const m: LoadedMatch = {
          def: def as ExtensionDef,
          spec: { name: (def as ExtensionDef).name, options: [] },
        };
        loaded.push(m);
        break;
      }
      case 'j':
      case 'g': {
        if (inv) fail('bad-invert', `unexpected "!" before -${letter}`, invertIndex);
        if (target) fail('duplicate', 'multiple -j flags not allowed', atToken);
        const name = value as string;
        const def = letter === 'j' ? findTarget(name) : undefined;
        if (!def && !/^[A-Za-z0-9_.+-][^\s]*$/.test(name)) {
          fail('unknown-target', `unknown target "${name}"`, atToken + (attached ? 0 : 1));
        }
        if (def) target = { def, spec: { name: def.name, goto: false, options: [] } };
        else target = { spec: { name, goto: letter === 'g', options: [] } };
        break;
      }
    }
    consumeInvert();
  };
  const applyExtensionOption = (owner: MatchSpec | TargetSpec, def: OptionDef, written: string): void => {
    const atToken = i;
    let inv = invert;
    const args: string[] = [];
    for (let k = 0; k < def.arity; k++) {
      const { value, oldInvert } = takeValue(written, def.invertible);
      if (oldInvert) {
        if (k > 0) fail('bad-invert', `unexpected "!" inside the arguments of "${written}"`, i - 1);
        inv = true;
      }
      args.push(value);
    }
    if (inv && !def.invertible) fail('bad-invert', `option "${written}" cannot be inverted`, atToken);
    invert = false;
    owner.options.push({ name: def.name, invert: inv, args });
  };

  const resolveLong = (name: string): { owner: MatchSpec | TargetSpec; def: OptionDef } | undefined => {
    const candidates: Array<{ owner: MatchSpec | TargetSpec; ext: ExtensionDef }> = [];
    for (let k = loaded.length - 1; k >= 0; k--) {
      const m = loaded[k] as LoadedMatch;
      candidates.push({ owner: m.spec, ext: m.def });
    }
    if (target?.def) candidates.push({ owner: target.spec, ext: target.def });
    for (const c of candidates) {
      const def = c.ext.options.find((o) => o.name === name || o.aliases?.includes(name));
      if (def) return { owner: c.owner, def };
    }
    for (const c of candidates) {
      const def = findOption(c.ext, name);
      if (def) return { owner: c.owner, def };
    }
    // `-p tcp --dport 80`: iptables loads the protocol's match on the first option it
    // does not know, which is why iptables-save prints `-p tcp -m tcp --dport 80`.
    const proto = spec.protocol?.value;
    if (proto && !spec.protocol?.invert && IMPLICIT_PROTOCOL_MATCHES.includes(proto)) {
      const ext = findMatch(proto) as ExtensionDef;
      const def = findOption(ext, name);
      if (def && !loaded.some((m) => m.def.name === proto)) {
        const m: LoadedMatch = { def: ext, spec: { name: ext.name, options: [] } };
        loaded.push(m);
        return { owner: m.spec, def };
      }
    }
    return undefined;
  };

  while (i < argv.length) {
    const tok = argv[i] as string;
    if (tok === '!') {
      if (invert) fail('bad-invert', 'multiple consecutive "!" not allowed');
      invert = true;
      invertIndex = i;
      i++;
      continue;
    }
    if (tok.startsWith('--') && tok.length > 2) {
      const eq = tok.indexOf('=');
      const name = eq > 0 ? tok.slice(2, eq) : tok.slice(2);
      const builtin = BUILTIN_LONG[name];
      if (builtin && Object.hasOwn(BUILTIN_LONG, name)) {
        applyBuiltin(builtin, tok, eq > 0 ? tok.slice(eq + 1) : undefined);
        i++;
        continue;
      }
      const resolved = resolveLong(name);
      if (resolved) {
        if (eq > 0) {
          // `--dport=80`: split into option and value, then read it again.
          argv.splice(i, 1, `--${name}`, tok.slice(eq + 1));
          continue;
        }
        applyExtensionOption(resolved.owner, resolved.def, tok);
        i++;
        continue;
      }
    } else if (tok.startsWith('-') && tok.length >= 2 && tok[1] !== '-') {
      const letter = tok[1] as string;
      if (tok.length === 2 && BUILTIN_SHORT.has(letter)) {
        applyBuiltin(letter, tok);
        i++;
        continue;
      }
      if (tok.length > 2 && VALUE_SHORT.has(letter)) {
        const used = foreign ? foreign(argv, i) : 0;
        if (used > 0) {
          i += used;
          continue;
        }
        applyBuiltin(letter, `-${letter}`, tok.slice(2));
        i++;
        continue;
      }
    }
    const used = foreign ? foreign(argv, i) : 0;
    if (used > 0) {
      if (invert) fail('bad-invert', `unexpected "!" before "${tok}"`, invertIndex);
      i += used;
      continue;
    }
    if (tok.startsWith('-') && tok.length > 1) fail('unknown-option', `unknown option "${tok}"`);
    fail('bad-value', `bad argument "${tok}"`);
  }
  if (invert) fail('bad-invert', 'a "!" must be followed by an option', invertIndex);

  spec.matches = loaded.map((m) => canonicalMatch(m.def, m.spec));
  if (target) {
    spec.target = target.def ? canonicalTarget(target.def, target.spec) : target.spec;
  }
  return { spec, targetIsChain: target !== undefined && target.def === undefined };
}

const TCP_SYN_FLAGS = ['FIN,SYN,RST,ACK', 'SYN'];
const SERVICE_PORTS: Readonly<Record<string, string>> = {
  ssh: '22',
  domain: '53',
  http: '80',
  https: '443',
  ntp: '123',
  smtp: '25',
};
const ICMP_TYPES: Readonly<Record<string, string>> = {
  any: 'any',
  'echo-reply': '0',
  pong: '0',
  'destination-unreachable': '3',
  'network-unreachable': '3/0',
  'host-unreachable': '3/1',
  'protocol-unreachable': '3/2',
  'port-unreachable': '3/3',
  'fragmentation-needed': '3/4',
  'echo-request': '8',
  ping: '8',
  'time-exceeded': '11',
};

function canonicalPort(value: string): string {
  const parts = value.split(':').map((p) => SERVICE_PORTS[p] ?? p);
  if (parts.length > 2 || parts.some((p) => p !== '' && !/^\d+$/.test(p))) {
    throw new RuleSpecError('bad-value', `invalid port/service "${value}" specified`, value, -1);
  }
  return parts.join(':');
}

function canonicalMatch(def: ExtensionDef, m: MatchSpec): MatchSpec {
  let options: Option[] = m.options.map((o) => {
    if ((def.name === 'tcp' || def.name === 'udp') && (o.name === 'sport' || o.name === 'dport')) {
      return { ...o, args: [canonicalPort(o.args[0] as string)] };
    }
    if (def.name === 'tcp' && o.name === 'syn')
      return { name: 'tcp-flags', invert: o.invert, args: [...TCP_SYN_FLAGS] };
    if (def.name === 'icmp' && o.name === 'icmp-type') {
      return { ...o, args: [ICMP_TYPES[o.args[0] as string] ?? (o.args[0] as string)] };
    }
    return o;
  });
  if (def.saveOrder) {
    const order = def.saveOrder;
    const rank = (o: Option) => {
      const r = order.indexOf(o.name);
      return r < 0 ? order.length : r;
    };
    options = options
      .map((o, index) => ({ o, index }))
      .sort((a, b) => rank(a.o) - rank(b.o) || a.index - b.index)
      .map((x) => x.o);
  }
  return { name: m.name, options };
}

function canonicalTarget(def: ExtensionDef, t: TargetSpec): TargetSpec {
  const options = [...t.options];
  for (const d of def.defaults ?? []) {
    if (!options.some((o) => o.name === d.name))
      options.push({ name: d.name, invert: false, args: [...d.args] });
  }
  return { name: t.name, goto: t.goto, options };
}

/** Canonical iptables-save text of a rule, without the leading `-A CHAIN `. */
export function formatRuleSpec(spec: RuleSpec): string {
  const parts: string[] = [];
  const header = (flag: string, v: Inverted<string> | undefined) => {
    if (!v) return;
    if (v.invert) parts.push('!');
    parts.push(flag, quoteIfNeeded(v.value));
  };
  header('-s', spec.source);
  header('-d', spec.destination);
  header('-i', spec.inInterface);
  header('-o', spec.outInterface);
  header('-p', spec.protocol);
  if (spec.fragment) {
    if (spec.fragment.invert) parts.push('!');
    parts.push('-f');
  }
  for (const m of spec.matches) {
    parts.push('-m', m.name);
    const def = findMatch(m.name);
    for (const o of m.options) pushOption(parts, def, o);
  }
  if (spec.target) {
    parts.push(spec.target.goto ? '-g' : '-j', spec.target.name);
    const def = findTarget(spec.target.name);
    for (const o of spec.target.options) pushOption(parts, def, o);
  }
  return parts.join(' ');
}

function pushOption(parts: string[], def: ExtensionDef | undefined, o: Option): void {
  if (o.invert) parts.push('!');
  parts.push(`--${o.name}`);
  const isText = def?.options.find((d) => d.name === o.name)?.text === true;
  for (const a of o.args) parts.push(isText ? quoteSaveString(a) : quoteIfNeeded(a));
}
