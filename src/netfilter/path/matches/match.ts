/**
 * What a match is: compiled once from its MatchSpec (options checked then, so a typo
 * fails loudly), then asked per packet. Like gVisor's matchers and the kernel's
 * xt_match: a match sees the packet, its conntrack entry and the hook.
 */
import type { Hook, MatchSpec, Option, RuleSpec } from '../../types.ts';
import type { Packet } from '../packet.ts';
import type { RoutingTable } from '../routing.ts';

export interface MatchEnv {
  hook: Hook;
  routing: RoutingTable;
  /** ipset name → members (see HostState.ipsets). */
  ipsets: Readonly<Record<string, readonly string[]>>;
}

export type MatchFn = (p: Packet, env: MatchEnv) => boolean;

export interface MatchModule {
  name: string;
  /** `aliases` lets one module serve several -m names (state → conntrack semantics). */
  aliases?: string[];
  compile(match: MatchSpec, rule: RuleSpec): MatchFn;
}

/** Thrown by compile(); the rule compiler adds table, chain and rule text. */
export class MatchOptionError extends Error {}

export function requireArgs(match: MatchSpec, option: Option, count: number): string[] {
  if (option.args.length !== count) {
    throw new MatchOptionError(
      `-m ${match.name} --${option.name} expects ${count} argument(s), got ${option.args.length}`,
    );
  }
  return option.args;
}

export function unknownOption(match: MatchSpec, option: Option): never {
  throw new MatchOptionError(`-m ${match.name}: unsupported option --${option.name}`);
}

/** "80" → [80,80]; "1000:2000", ":1024", "1024:" → ranges, as iptables reads them. */
export function parsePortRange(text: string, context: string): [number, number] {
  const parts = text.split(':');
  if (parts.length > 2) throw new MatchOptionError(`${context}: bad port range "${text}"`);
  const low = parts[0] === '' ? 0 : parsePort(parts[0] ?? '', context);
  const high = parts.length === 1 ? low : parts[1] === '' ? 65535 : parsePort(parts[1] ?? '', context);
  if (low > high) throw new MatchOptionError(`${context}: port range "${text}" is reversed`);
  return [low, high];
}

export function parsePort(text: string, context: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) {
    throw new MatchOptionError(`${context}: "${text}" is not a port number (0-65535)`);
  }
  return Number(text);
}

/** Wraps a predicate with the option's `!`. */
export function inverted(invert: boolean, test: MatchFn): MatchFn {
  return invert ? (p, env) => !test(p, env) : test;
}

/** All predicates must hold (options of one match are ANDed). */
export function allOf(tests: MatchFn[]): MatchFn {
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0] as MatchFn;
  return (p, env) => {
    for (const t of tests) if (!t(p, env)) return false;
    return true;
  };
}
