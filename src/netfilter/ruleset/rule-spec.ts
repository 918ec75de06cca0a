/**
 * A rule specification as a command line (`-s … -m conntrack --ctstate … -j ACCEPT`)
 * parsed into a canonical `RuleSpec`. The canonical option forms live in
 * rule-canonical.ts, the printed text in rule-format.ts, the error in rule-spec-error.ts.
 */
import { AddressError, canonicalCidr, type Family } from '../address/index.ts';
import type { Inverted, MatchSpec, RuleSpec, TargetSpec } from '../types.ts';
import {
  type ExtensionDef,
  findMatch,
  findOption,
  findTarget,
  implicitMatchOf,
  type OptionDef,
} from './extensions.ts';
import { canonicalProtocol, ProtocolError } from './protocol.ts';
import { canonicalMatch, canonicalTarget } from './rule-canonical.ts';
import { RuleSpecError, type RuleSpecErrorKind } from './rule-spec-error.ts';

export { formatRuleSpec } from './rule-format.ts';
export { RuleSpecError, type RuleSpecErrorKind } from './rule-spec-error.ts';

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

/**
 * Parses argv after `-A CHAIN` into a canonical RuleSpec. Throws RuleSpecError.
 * `family` 'ipv6' reads the rule as ip6tables does (IPv6 -s/-d, `icmp6`, REJECT's icmp6 default).
 */
export function parseRuleSpec(argv: readonly string[], family: Family = 'ipv4'): RuleSpec {
  return parseRuleArgs(argv, undefined, family).spec;
}

/**
 * The full parser: like parseRuleSpec, and also tells whether the target names a user
 * chain (not a target extension), so callers can check that the chain exists.
 */
export function parseRuleArgs(
  input: readonly string[],
  foreign?: ForeignOptionHook,
  family: Family = 'ipv4',
): { spec: RuleSpec; targetIsChain: boolean } {
  return new RuleArgsParser(input, foreign, family).parse();
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
    private readonly family: Family,
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
          cidr = canonicalCidr(value as string, this.family);
        } catch (e) {
          if (e instanceof AddressError) this.fail('bad-value', e.message, atToken + 1);
          throw e;
        }
        this.setOnce(
          letter === 's' ? 'source' : 'destination',
          cidr === undefined && !inv
            ? undefined
            : { invert: inv, value: cidr ?? (this.family === 'ipv6' ? '::/0' : '0.0.0.0/0') },
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
        const def = findMatch(value as string, this.family);
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
        const def = letter === 'j' ? findTarget(name, this.family) : undefined;
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
    const implicit = proto === undefined ? undefined : implicitMatchOf(proto, this.family);
    if (proto && implicit && !this.spec.protocol?.invert) {
      const ext = findMatch(implicit, this.family) as ExtensionDef;
      const def = findOption(ext, name);
      if (def && !this.loaded.some((m) => m.def.name === ext.name)) {
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
