/**
 * Compiles a RuleSpec into one predicate (header, then each -m in order) and a target
 * function. Compiled chains are cached per Chain and re-validated by rule identity,
 * so iptables commands that edit the ruleset between flows are picked up.
 */
import type { Chain, Rule, RuleSpec, TableName } from '../types.ts';
import { RuleError } from './errors.ts';
import { InterfaceIndex } from './interface-index.ts';
import { compileHeader } from './matches/header.ts';
import type { MatchFn } from './matches/match.ts';
import { MATCHES } from './matches/registry.ts';
import { compileJump } from './targets/jump.ts';
import { TARGETS } from './targets/registry.ts';
import type { TargetFn } from './targets/target.ts';

export interface CompiledRule {
  rule: Rule;
  test: MatchFn;
  /** undefined: a rule without -j only counts. */
  target?: TargetFn;
  /** For a jump/goto: the chain it names (checked against the table at walk time). */
  jumpChain?: string;
}

function compileSpec(spec: RuleSpec, table: TableName): Omit<CompiledRule, 'rule'> {
  const tests: MatchFn[] = [compileHeader(spec)];
  for (const match of spec.matches) {
    const module = MATCHES.get(match.name);
    if (!module) {
      throw new Error(`unknown match "-m ${match.name}" (the twin knows: ${[...MATCHES.keys()].join(', ')})`);
    }
    tests.push(module.compile(match, spec));
  }
  const test: MatchFn =
    tests.length === 1
      ? (tests[0] as MatchFn)
      : (p, env) => {
          for (const t of tests) if (!t(p, env)) return false;
          return true;
        };
  const target = spec.target;
  if (!target) return { test };
  const module = target.goto ? undefined : TARGETS.get(target.name);
  if (module) {
    if (module.tables && !module.tables.includes(table)) {
      throw new Error(`target ${target.name} is only valid in the ${module.tables.join('/')} table`);
    }
    return { test, target: module.compile(target) };
  }
  return { test, target: compileJump(target), jumpChain: target.name };
}

export function compileRule(rule: Rule, table: TableName, chain: string, number: number): CompiledRule {
  try {
    return { rule, ...compileSpec(rule.spec, table) };
  } catch (error) {
    throw new RuleError(table, chain, number, rule.text, (error as Error).message, rule.line);
  }
}

/** A chain ready to walk: compiled rules and the interface index over them. */
export interface CompiledChain {
  rules: CompiledRule[];
  index: InterfaceIndex;
}

interface ChainCache extends CompiledChain {
  /** The Rule objects and specs seen at compile time: a changed one is recompiled. */
  seen: Rule[];
  specs: RuleSpec[];
}

const chainCache = new WeakMap<Chain, ChainCache>();

/** The compiled rules of a chain, recompiling only rules that changed since last time. */
export function compiledChain(chain: Chain, table: TableName): CompiledChain {
  let cache = chainCache.get(chain);
  if (!cache) {
    cache = { seen: [], specs: [], rules: [], index: new InterfaceIndex([]) };
    chainCache.set(chain, cache);
  }
  const rules = chain.rules;
  let stale = cache.seen.length !== rules.length;
  if (!stale) {
    for (let i = 0; i < rules.length; i++) {
      if (cache.seen[i] !== rules[i] || cache.specs[i] !== rules[i]?.spec) {
        stale = true;
        break;
      }
    }
  }
  if (stale) {
    const previous = new Map(cache.rules.map((c, i) => [c.rule, { compiled: c, spec: cache?.specs[i] }]));
    cache.rules = rules.map((rule, i) => {
      const old = previous.get(rule);
      return old && old.spec === rule.spec ? old.compiled : compileRule(rule, table, chain.name, i + 1);
    });
    cache.seen = rules.slice();
    cache.specs = rules.map((r) => r.spec);
    cache.index = new InterfaceIndex(cache.specs);
  }
  return cache;
}
