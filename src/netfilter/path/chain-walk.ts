/**
 * One table's traversal of one hook, as ipt_do_table does it: rules in order, every
 * matching rule counts, jumps push a return point (goto does not), falling off a user
 * chain returns, falling off the built-in chain applies (and counts) its policy.
 * With iptables-nft, a built-in chain with no rules and an ACCEPT policy does not
 * exist in the kernel: nothing counts there (ground truth e3).
 */

import { describeJumpPath } from '../ruleset/jump-graph.ts';
import type { Chain, Hook, Ruleset, TableName } from '../types.ts';
import { type CompiledChain, type CompiledRule, compiledChain } from './compile-rule.ts';
import type { NatManip } from './conntrack.ts';
import { RuleError } from './errors.ts';
import type { Ip } from './ip.ts';
import type { MatchEnv } from './matches/match.ts';
import type { Packet } from './packet.ts';
import type { RoutingTable } from './routing.ts';
import type { RejectWith, TargetEnv } from './targets/target.ts';
import type { CounterRecorder, PathTracer } from './trace.ts';

/**
 * The walker's own guard against a loop in a ruleset built by hand (dumps and iptables
 * commands refuse loops a built-in chain reaches, see ruleset/jump-graph.ts): a stack
 * deeper than this and than the table's number of user chains must repeat a chain.
 * x_tables sizes its jump stack by the number of chains too, so a 70-deep legacy
 * ruleset walks; nf_tables refuses depth 16 when the rule is added.
 */
export const MAX_JUMP_DEPTH = 64;
/** More chain entries than this in one traversal can only be a goto loop. */
export const MAX_CHAIN_ENTRIES = 100_000;

export type HookVerdict =
  | { kind: 'accept' }
  | { kind: 'drop'; by: string }
  | { kind: 'reject'; with: RejectWith; by: string }
  | { kind: 'nat'; manip: NatManip; address?: Ip; port?: number; target: string; by: string };

export interface RulesetIndex {
  chain(table: TableName, chain: string): Chain | undefined;
  order(table: TableName, chain: string): number;
  /** How deep a loop-free walk of this table can jump (its user chains, at least MAX_JUMP_DEPTH). */
  maxDepth(table: TableName): number;
}

export function indexRuleset(ruleset: Ruleset): RulesetIndex {
  const chains = new Map<string, Chain>();
  const order = new Map<string, number>();
  const depth = new Map<TableName, number>();
  let n = 0;
  for (const table of ruleset.tables) {
    depth.set(table.name, Math.max(MAX_JUMP_DEPTH, table.chains.filter((c) => !c.builtin).length + 1));
    for (const chain of table.chains) {
      chains.set(`${table.name}\u0000${chain.name}`, chain);
      order.set(`${table.name}\u0000${chain.name}`, n++);
    }
  }
  return {
    chain: (table, chain) => chains.get(`${table}\u0000${chain}`),
    order: (table, chain) => order.get(`${table}\u0000${chain}`) ?? n,
    maxDepth: (table) => depth.get(table) ?? MAX_JUMP_DEPTH,
  };
}

export interface WalkContext {
  index: RulesetIndex;
  /** Compiled chains of this flow: each chain is checked against its cache once per flow. */
  compiled?: Map<Chain, CompiledChain>;
  /** iptables-nft: empty ACCEPT built-in chains do not exist and count nothing. */
  lazyBuiltins: boolean;
  /** "table/CHAIN" built-ins that exist although empty (IptablesState.materializedBuiltins in HostState.firewall). */
  materialized?: ReadonlySet<string>;
  routing: RoutingTable;
  ipsets: Readonly<Record<string, readonly string[]>>;
  counters: CounterRecorder;
  /** Names the backend in the path when it is not the main one ("iptables-legacy"). */
  label?: string;
  tracer: PathTracer;
}

interface Frame {
  chain: Chain;
  compiled: CompiledChain;
  candidates: readonly number[];
  next: number;
}

const ACCEPT: HookVerdict = { kind: 'accept' };

function compiledOf(ctx: WalkContext, chain: Chain, table: TableName): CompiledChain {
  let compiled = ctx.compiled?.get(chain);
  if (!compiled) {
    compiled = compiledChain(chain, table);
    ctx.compiled?.set(chain, compiled);
  }
  return compiled;
}

/** Does this table take part in this hook at all (exists, and not an nft-lazy empty chain)? */
export function hookActive(ctx: WalkContext, table: TableName, hook: Hook): Chain | undefined {
  const base = ctx.index.chain(table, hook);
  if (!base) return undefined;
  if (
    ctx.lazyBuiltins &&
    base.rules.length === 0 &&
    base.policy !== 'DROP' &&
    !ctx.materialized?.has(`${table}/${hook}`)
  ) {
    return undefined;
  }
  return base;
}

export function walkHook(ctx: WalkContext, table: TableName, hook: Hook, p: Packet): HookVerdict {
  const base = hookActive(ctx, table, hook);
  if (!base) return ACCEPT;
  const env: MatchEnv & TargetEnv = { hook, table, routing: ctx.routing, ipsets: ctx.ipsets };
  const tracer = ctx.tracer;
  tracer.step(p, 'hook', `${ctx.label ? `${ctx.label} ` : ''}${table} ${hook}`, { table, chain: hook });
  const stack: Frame[] = [];
  let chain = base;
  let compiled = compiledOf(ctx, chain, table);
  // Only rules that can match these interfaces, in rule order (see interface-index.ts).
  let candidates = compiled.index.candidates(p.inDev, p.outDev, p.saddr);
  let pos = 0;
  // goto does not grow the stack, so a goto loop is caught by counting chain entries.
  let entries = 0;
  const maxDepth = ctx.index.maxDepth(table);
  for (;;) {
    if (pos >= candidates.length) {
      const frame = stack.pop();
      if (frame) {
        ({ chain, compiled, candidates } = frame);
        pos = frame.next;
        continue;
      }
      return applyPolicy(ctx, table, base, p);
    }
    const at = candidates[pos] as number;
    pos += 1;
    const c = compiled.rules[at] as CompiledRule;
    if (!c.test(p, env)) continue;
    const number = at + 1;
    const rule = c.rule;
    ctx.counters.count(table, chain.name, number, rule.counters, p.length, `-A ${chain.name} ${rule.text}`);
    if (!c.target) {
      if (tracer.enabled)
        tracer.step(p, 'rule', `-A ${chain.name} ${rule.text}`, { table, chain: chain.name, rule: number });
      continue;
    }
    const verdict = c.target(p, env);
    if (tracer.enabled) {
      tracer.step(p, 'rule', `-A ${chain.name} ${rule.text}  => ${describeVerdict(verdict)}`, {
        table,
        chain: chain.name,
        rule: number,
      });
    }
    switch (verdict.kind) {
      case 'continue':
        continue;
      case 'accept':
        return ACCEPT;
      case 'drop':
        return { kind: 'drop', by: `${table} ${chain.name} rule ${number}` };
      case 'reject':
        return { kind: 'reject', with: verdict.with, by: `${table} ${chain.name} rule ${number}` };
      case 'nat':
        return { ...verdict, by: `${table} ${chain.name} rule ${number}` };
      case 'return': {
        const frame = stack.pop();
        if (!frame) return applyPolicy(ctx, table, base, p);
        ({ chain, compiled, candidates } = frame);
        pos = frame.next;
        continue;
      }
      case 'jump':
      case 'goto': {
        const target = ctx.index.chain(table, verdict.chain);
        if (!target || target.builtin) {
          throw new RuleError(
            table,
            chain.name,
            number,
            rule.text,
            `unknown target or chain "${verdict.chain}" (not a target the twin models, nor a user chain of table ${table})`,
            rule.line,
          );
        }
        if (verdict.kind === 'jump') stack.push({ chain, compiled, candidates, next: pos });
        entries += 1;
        if (stack.length >= maxDepth || entries > MAX_CHAIN_ENTRIES) {
          const path = [...stack.map((f) => f.chain.name), target.name];
          throw new RuleError(table, chain.name, number, rule.text, describeLoop(path), rule.line);
        }
        chain = target;
        compiled = compiledOf(ctx, chain, table);
        candidates = compiled.index.candidates(p.inDev, p.outDev, p.saddr);
        pos = 0;
        continue;
      }
    }
  }
}

/** "jump loop A -> B -> A (entered from FORWARD)": the first chain the path repeats. */
function describeLoop(path: readonly string[]): string {
  const first = new Map<string, number>();
  for (const [k, name] of path.entries()) {
    const seen = first.get(name);
    if (seen !== undefined) {
      const entry = path.slice(0, seen);
      const from = entry.length > 0 ? ` (entered from ${describeJumpPath(entry)})` : '';
      return `jump loop ${describeJumpPath(path.slice(seen, k + 1))}${from}`;
    }
    first.set(name, k);
  }
  return `jump loop through gotos (more than ${MAX_CHAIN_ENTRIES} chains entered): ${describeJumpPath(path)}`;
}

function applyPolicy(ctx: WalkContext, table: TableName, base: Chain, p: Packet): HookVerdict {
  const policy = base.policy ?? 'ACCEPT';
  ctx.counters.count(table, base.name, 0, base.counters, p.length, `:${base.name} ${policy}`);
  ctx.tracer.step(p, 'policy', `:${base.name} ${policy} (falls off the end of ${table} ${base.name})`, {
    table,
    chain: base.name,
  });
  return policy === 'DROP' ? { kind: 'drop', by: `${table} ${base.name} policy` } : ACCEPT;
}

function describeVerdict(v: { kind: string; chain?: string; with?: string; target?: string }): string {
  switch (v.kind) {
    case 'jump':
      return `jump ${v.chain}`;
    case 'goto':
      return `goto ${v.chain}`;
    case 'reject':
      return `REJECT ${v.with}`;
    case 'nat':
      return v.target ?? 'NAT';
    case 'continue':
      return 'continue';
    default:
      return v.kind.toUpperCase();
  }
}
