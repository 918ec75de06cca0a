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
  return new RuleArgsParser(input, foreign).parse();
}

/**
 * One parse of a rule's arguments. A class rather than closures inside parseRuleArgs:
 * Docker's model runs this for every iptables command (240,000 for a 30,000-port range),
 * and closures cost a function object each per call (and under tsx a name each).
 */
class RuleArgsParser {
  private readonly argv: string[];
  private readonly spec: RuleSpec = { matches: [] };
  private readonly loaded: LoadedMatch[] = [];
  private target: { def?: ExtensionDef; spec: TargetSpec } | undefined;
  private invert = false;
  private invertIndex = -1;
  private i = 0;
  private readonly seen = new Set<string>();

  constructor(
    input: readonly string[],
    private readonly foreign: ForeignOptionHook | undefined,
  ) {
    this.argv = [...input];
  }

  private fail(kind: RuleSpecErrorKind, message: string, at = this.i): never {
    throw new RuleSpecError(kind, message, this.argv[at] ?? '', at);
  }

  private takeValue(option: string, invertible = true): { value: string; oldInvert: boolean } {
    let oldInvert = false;
    let next = this.argv[this.i + 1];
    // Old style `-s ! 10.0.0.0/8`: iptables 1.8 still accepts it (with a warning).
    // A "!" after an option that cannot be inverted is its argument (`--comment !`).
    if (next === '!' && invertible) {
      oldInvert = true;
      this.i++;
      next = this.argv[this.i + 1];
    }
    if (next === undefined) this.fail('missing-argument', `option "${option}" requires an argument`);
    this.i++;
    return { value: next as string, oldInvert };
  }

  private setOnce(
    key: 'source' | 'destination' | 'inInterface' | 'outInterface' | 'protocol',
    v: Inverted<string> | undefined,
    letter: string,
    atToken: number,
  ): void {
    if (this.spec[key] !== undefined || this.seen.has(key))
      this.fail('duplicate', `multiple -${letter} flags not allowed`, atToken);
    this.seen.add(key);
    if (v !== undefined) this.spec[key] = v;
  }

  private applyBuiltin(letter: string, written: string, attached?: string): void {
    const atToken = this.i;
    let value = attached;
    let oldInvert = false;
    if (VALUE_SHORT.has(letter) && value === undefined) {
      ({ value, oldInvert } = this.takeValue(written));
    }
    const inv = this.invert || oldInvert;
    const spec = this.spec;
    switch (letter) {
      case 's':
      case 'd': {
        let cidr: string | undefined;
        try {
          cidr = canonicalCidr(value as string);
        } catch (e) {
          if (e instanceof AddressError) this.fail('bad-value', e.message, atToken + 1);
          throw e;
        }
        this.setOnce(
          letter === 's' ? 'source' : 'destination',
          cidr === undefined && !inv ? undefined : { invert: inv, value: cidr ?? '0.0.0.0/0' },
          letter,
          atToken,
        );
        break;
      }
      case 'i':
      case 'o': {
        const name = value as string;
        if (name.length === 0 || name.length > 15 || /[\s/]/.test(name)) {
          this.fail(
            'bad-value',
            `interface name "${name}" must be 1 to 15 characters without "/" or spaces`,
            atToken,
          );
        }
        this.setOnce(
          letter === 'i' ? 'inInterface' : 'outInterface',
          { invert: inv, value: name },
          letter,
          atToken,
        );
        break;
      }
      case 'p': {
        let proto: string | undefined;
        try {
          proto = canonicalProtocol(value as string);
        } catch (e) {
          if (e instanceof ProtocolError) this.fail('bad-value', e.message, atToken + 1);
          throw e;
        }
        this.setOnce(
          'protocol',
          proto === undefined && !inv ? undefined : { invert: inv, value: proto ?? 'all' },
          letter,
          atToken,
        );
        break;
      }
      case 'f':
        if (spec.fragment) this.fail('duplicate', 'multiple -f flags not allowed', atToken);
        spec.fragment = { invert: inv, value: true };
        break;
      case 'm': {
        if (inv) this.fail('bad-invert', 'unexpected "!" before -m', this.invertIndex);
        const def = findMatch(value as string);
        if (!def) this.fail('unknown-match', `unknown match "${value}"`, atToken + (attached ? 0 : 1));
        const m: LoadedMatch = {
          def: def as ExtensionDef,
          spec: { name: (def as ExtensionDef).name, options: [] },
        };
        this.loaded.push(m);
        break;
      }
      case 'j':
      case 'g': {
        if (inv) this.fail('bad-invert', `unexpected "!" before -${letter}`, this.invertIndex);
        if (this.target) this.fail('duplicate', 'multiple -j flags not allowed', atToken);
        const name = value as string;
        const def = letter === 'j' ? findTarget(name) : undefined;
        if (!def && !/^[A-Za-z0-9_.+-][^\s]*$/.test(name)) {
          this.fail('unknown-target', `unknown target "${name}"`, atToken + (attached ? 0 : 1));
        }
        if (def) this.target = { def, spec: { name: def.name, goto: false, options: [] } };
        else this.target = { spec: { name, goto: letter === 'g', options: [] } };
        break;
      }
    }
    this.invert = false;
  }

  private applyExtensionOption(owner: MatchSpec | TargetSpec, def: OptionDef, written: string): void {
    const atToken = this.i;
    let inv = this.invert;
    const args: string[] = [];
    for (let k = 0; k < def.arity; k++) {
      const { value, oldInvert } = this.takeValue(written, def.invertible);
      if (oldInvert) {
        if (k > 0) this.fail('bad-invert', `unexpected "!" inside the arguments of "${written}"`, this.i - 1);
        inv = true;
      }
      args.push(value);
    }
    if (inv && !def.invertible) this.fail('bad-invert', `option "${written}" cannot be inverted`, atToken);
    this.invert = false;
    owner.options.push({ name: def.name, invert: inv, args });
  }

  private resolveLong(name: string): { owner: MatchSpec | TargetSpec; def: OptionDef } | undefined {
    const candidates: Array<{ owner: MatchSpec | TargetSpec; ext: ExtensionDef }> = [];
    for (let k = this.loaded.length - 1; k >= 0; k--) {
      const m = this.loaded[k] as LoadedMatch;
      candidates.push({ owner: m.spec, ext: m.def });
    }
    if (this.target?.def) candidates.push({ owner: this.target.spec, ext: this.target.def });
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
    const proto = this.spec.protocol?.value;
    if (proto && !this.spec.protocol?.invert && IMPLICIT_PROTOCOL_MATCHES.includes(proto)) {
      const ext = findMatch(proto) as ExtensionDef;
      const def = findOption(ext, name);
      if (def && !this.loaded.some((m) => m.def.name === proto)) {
        const m: LoadedMatch = { def: ext, spec: { name: ext.name, options: [] } };
        this.loaded.push(m);
        return { owner: m.spec, def };
      }
    }
    return undefined;
  }

  parse(): { spec: RuleSpec; targetIsChain: boolean } {
    const argv = this.argv;
    const foreign = this.foreign;
    while (this.i < argv.length) {
      const tok = argv[this.i] as string;
      if (tok === '!') {
        if (this.invert) this.fail('bad-invert', 'multiple consecutive "!" not allowed');
        this.invert = true;
        this.invertIndex = this.i;
        this.i++;
        continue;
      }
      if (tok.startsWith('--') && tok.length > 2) {
        const eq = tok.indexOf('=');
        const name = eq > 0 ? tok.slice(2, eq) : tok.slice(2);
        const builtin = BUILTIN_LONG[name];
        if (builtin && Object.hasOwn(BUILTIN_LONG, name)) {
          this.applyBuiltin(builtin, tok, eq > 0 ? tok.slice(eq + 1) : undefined);
          this.i++;
          continue;
        }
        const resolved = this.resolveLong(name);
        if (resolved) {
          if (eq > 0) {
            // `--dport=80`: split into option and value, then read it again.
            argv.splice(this.i, 1, `--${name}`, tok.slice(eq + 1));
            continue;
          }
          this.applyExtensionOption(resolved.owner, resolved.def, tok);
          this.i++;
          continue;
        }
      } else if (tok.startsWith('-') && tok.length >= 2 && tok[1] !== '-') {
        const letter = tok[1] as string;
        if (tok.length === 2 && BUILTIN_SHORT.has(letter)) {
          this.applyBuiltin(letter, tok);
          this.i++;
          continue;
        }
        if (tok.length > 2 && VALUE_SHORT.has(letter)) {
          const used = foreign ? foreign(argv, this.i) : 0;
          if (used > 0) {
            this.i += used;
            continue;
          }
          this.applyBuiltin(letter, `-${letter}`, tok.slice(2));
          this.i++;
          continue;
        }
      }
      const used = foreign ? foreign(argv, this.i) : 0;
      if (used > 0) {
        if (this.invert) this.fail('bad-invert', `unexpected "!" before "${tok}"`, this.invertIndex);
        this.i += used;
        continue;
      }
      if (tok.startsWith('-') && tok.length > 1) this.fail('unknown-option', `unknown option "${tok}"`);
      this.fail('bad-value', `bad argument "${tok}"`);
    }
    if (this.invert) this.fail('bad-invert', 'a "!" must be followed by an option', this.invertIndex);

    const spec = this.spec;
    spec.matches = this.loaded.map((m) => canonicalMatch(m.def, m.spec));
    const target = this.target;
    if (target) {
      spec.target = target.def ? canonicalTarget(target.def, target.spec) : target.spec;
    }
    return { spec, targetIsChain: target !== undefined && target.def === undefined };
  }
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

/** The order libxt_conntrack and libxt_state print states in, whatever order was typed. */
const CT_STATE_ORDER = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'];

function canonicalStates(value: string): string {
  const states = value.split(',');
  const rank = (s: string) => {
    const r = CT_STATE_ORDER.indexOf(s.toUpperCase());
    return r < 0 ? CT_STATE_ORDER.length : r;
  };
  return states
    .map((s, index) => ({ s, index }))
    .sort((a, b) => rank(a.s) - rank(b.s) || a.index - b.index)
    .map((x) => x.s)
    .join(',');
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
    if ((def.name === 'conntrack' && o.name === 'ctstate') || (def.name === 'state' && o.name === 'state')) {
      return { ...o, args: [canonicalStates(o.args[0] as string)] };
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
  pushHeader(parts, '-s', spec.source);
  pushHeader(parts, '-d', spec.destination);
  pushHeader(parts, '-i', spec.inInterface);
  pushHeader(parts, '-o', spec.outInterface);
  pushHeader(parts, '-p', spec.protocol);
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

function pushHeader(parts: string[], flag: string, v: Inverted<string> | undefined): void {
  if (!v) return;
  if (v.invert) parts.push('!');
  parts.push(flag, quoteIfNeeded(v.value));
}

function pushOption(parts: string[], def: ExtensionDef | undefined, o: Option): void {
  if (o.invert) parts.push('!');
  parts.push(`--${o.name}`);
  const isText = def?.options.find((d) => d.name === o.name)?.text === true;
  for (const a of o.args) parts.push(isText ? quoteSaveString(a) : quoteIfNeeded(a));
}
