/**
 * `runIptables(ruleset, argv)`: what `iptables` (nft flavour, 1.8.9) does to a ruleset,
 * with its output, messages and exit codes. Mutates the ruleset in place. An argv that
 * starts with `iptables-legacy` gets x_tables' answers where the two differ (jump checks).
 */

import type { Family } from '../address/index.ts';
import { findTarget } from '../ruleset/extensions.ts';
import { checkJumpGraph, NFT_JUMP_STACK_SIZE } from '../ruleset/jump-graph.ts';
import { formatRuleSpec } from '../ruleset/rule-spec.ts';
import {
  byteOrder,
  countReferences,
  ensureBuiltinChain,
  ensureTable,
  findTable,
  insertUserChain,
  isBuiltinChain,
  newBuiltinChain,
  newTable,
} from '../ruleset/tables.ts';
import type { Chain, Rule, Ruleset, Table } from '../types.ts';
import { type Command, parseCommand } from './command.ts';
import { listChains, listRules } from './list.ts';
import { failure, IPTABLES_VERSION, type IptablesResult, ok, parameterProblem, REASON } from './result.ts';
import { deleteRule, findRule, forgetIndex, hasRule, insertRule, replaceRule } from './rule-index.ts';

export type { IptablesResult } from './result.ts';

const MAX_CHAIN_NAME = 28;

/**
 * `family` 'ipv6' (or an argv starting with `ip6tables`) makes it ip6tables: the rule is read
 * with IPv6 addresses and ip6tables' extensions.
 */
export function runIptables(
  ruleset: Ruleset,
  argv: readonly string[],
  options: { family?: Family } = {},
): IptablesResult {
  const cmd = parseCommand(argv, options.family);
  if ('exitCode' in cmd) return cmd;
  const legacy = /(^|\/)(ip6?)?tables-legacy$/.test(argv[0] ?? '');
  switch (cmd.op) {
    case 'L':
    case 'S':
      return list(ruleset, cmd);
    case 'A':
    case 'I':
    case 'R':
      return addRule(ruleset, cmd, legacy);
    case 'C':
    case 'D':
      return checkOrDelete(ruleset, cmd);
    case 'F':
    case 'Z':
      return flushOrZero(ruleset, cmd);
    case 'N':
      return newChain(ruleset, cmd);
    case 'X':
      return deleteChain(ruleset, cmd);
    case 'P':
      return setPolicy(ruleset, cmd);
    case 'E':
      return renameChain(ruleset, cmd);
  }
}

/** The chain a rule command works on; built-in chains spring into being as in nft. */
function chainForUpdate(ruleset: Ruleset, cmd: Command): Chain | undefined {
  const name = cmd.chain as string;
  if (isBuiltinChain(cmd.table, name)) return ensureBuiltinChain(ensureTable(ruleset, cmd.table), name);
  return findTable(ruleset, cmd.table)?.chains.find((c) => c.name === name);
}

/** Read-only view: a table or built-in chain nft has not created yet lists as empty. */
function tableView(ruleset: Ruleset, cmd: Command): Table {
  const table = findTable(ruleset, cmd.table) ?? newTable(cmd.table);
  const chains = [...table.chains];
  for (const [k, name] of newTable(cmd.table)
    .chains.map((c) => c.name)
    .entries()) {
    if (!chains.some((c) => c.name === name)) chains.splice(k, 0, newBuiltinChain(name as never));
  }
  return { ...table, chains };
}

function missingJumpTarget(ruleset: Ruleset, cmd: Command): IptablesResult | undefined {
  if (!cmd.targetIsChain) return undefined;
  const name = cmd.spec.target?.name as string;
  const table = findTable(ruleset, cmd.table);
  if (table?.chains.some((c) => c.name === name && !c.builtin)) return undefined;
  return parameterProblem(`Chain '${name}' does not exist`);
}

function addRule(ruleset: Ruleset, cmd: Command, legacy: boolean): IptablesResult {
  const missing = missingJumpTarget(ruleset, cmd);
  if (missing) return missing;
  const chain = chainForUpdate(ruleset, cmd);
  if (!chain) return failure(REASON.noChain);
  const text = formatRuleSpec(cmd.spec);
  const rule: Rule = {
    spec: cmd.spec,
    text,
    counters: cmd.setCounters ? { ...cmd.setCounters } : { packets: 0, bytes: 0 },
  };
  const n = cmd.ruleNumber ?? 1;
  if (cmd.op !== 'A' && n < 1) return parameterProblem(`Invalid rule number \`${n}'`);
  if (cmd.op === 'I' && n > chain.rules.length + 1) return failure(REASON.insertTooBig);
  if (cmd.op === 'R' && n > chain.rules.length) return failure(REASON.replaceTooBig);
  const replaced = chain.rules[n - 1];
  if (cmd.op === 'A') insertRule(chain, rule, text);
  else if (cmd.op === 'I') insertRule(chain, rule, text, n - 1);
  else replaceRule(chain, n - 1, rule, text);
  if (!cmd.targetIsChain) return ok();
  // The kernel checks the table's jumps when the rule is committed (see jump-graph.ts).
  const table = findTable(ruleset, cmd.table) as Table;
  if (!checkJumpGraph(table, legacy ? {} : { maxLevel: NFT_JUMP_STACK_SIZE })) return ok();
  if (cmd.op === 'R' && replaced) replaceRule(chain, n - 1, replaced, formatRuleSpec(replaced.spec));
  else deleteRule(chain, cmd.op === 'A' ? chain.rules.length - 1 : n - 1);
  return legacy ? failure(REASON.loop) : tooManyLinks(cmd.op, chain.name);
}

/** nf_tables refuses the commit with EMLINK; iptables-nft names the batch job (exit 4). */
function tooManyLinks(op: Command['op'], chain: string): IptablesResult {
  const job = op === 'A' ? 'RULE_APPEND' : op === 'I' ? 'RULE_INSERT' : 'RULE_REPLACE';
  return {
    exitCode: 4,
    stdout: '',
    stderr: `iptables ${IPTABLES_VERSION}:  ${job} failed (Too many links): rule in chain ${chain}\n`,
  };
}

function checkOrDelete(ruleset: Ruleset, cmd: Command): IptablesResult {
  if (cmd.op === 'D' && cmd.ruleNumber !== undefined) {
    if (cmd.hasSpec) return parameterProblem('Cannot specify a rule number and a rule specification');
    const chain = chainForView(ruleset, cmd);
    if (!chain)
      return failure(isBuiltinChain(cmd.table, cmd.chain as string) ? REASON.deleteTooBig : REASON.noChain);
    if (cmd.ruleNumber < 1) return parameterProblem(`Invalid rule number \`${cmd.ruleNumber}'`);
    if (cmd.ruleNumber > chain.rules.length) return failure(REASON.deleteTooBig);
    deleteRule(chain, cmd.ruleNumber - 1);
    return ok();
  }
  const missing = missingJumpTarget(ruleset, cmd);
  if (missing) return missing;
  // nft looks the rule up by its canonical text: `-d 10.0.0.1` finds `-d 10.0.0.1/32`.
  const wanted = formatRuleSpec(cmd.spec);
  const chain = chainForView(ruleset, cmd);
  if (!chain) return failure(REASON.badRule);
  if (cmd.op === 'C') return hasRule(chain, wanted) ? ok() : failure(REASON.badRule);
  const at = findRule(chain, wanted);
  if (at < 0) return failure(REASON.badRule);
  deleteRule(chain, at);
  return ok();
}

function chainForView(ruleset: Ruleset, cmd: Command): Chain | undefined {
  return findTable(ruleset, cmd.table)?.chains.find((c) => c.name === cmd.chain);
}

function flushOrZero(ruleset: Ruleset, cmd: Command): IptablesResult {
  const table = findTable(ruleset, cmd.table);
  let chains: Chain[];
  if (cmd.chain === undefined) chains = table?.chains ?? [];
  else {
    const chain = table?.chains.find((c) => c.name === cmd.chain);
    if (!chain) {
      if (isBuiltinChain(cmd.table, cmd.chain)) return ok();
      return failure(REASON.noChain);
    }
    chains = [chain];
  }
  if (cmd.op === 'F') {
    for (const c of chains) c.rules = [];
    return ok();
  }
  if (cmd.ruleNumber !== undefined) {
    const rule = chains[0]?.rules[cmd.ruleNumber - 1];
    if (!rule) return failure(REASON.counterTooBig);
    rule.counters = { packets: 0, bytes: 0 };
    return ok();
  }
  for (const c of chains) {
    c.counters = { packets: 0, bytes: 0 };
    for (const r of c.rules) r.counters = { packets: 0, bytes: 0 };
  }
  return ok();
}

function validChainName(name: string): IptablesResult | undefined {
  if (name.length > MAX_CHAIN_NAME) {
    return parameterProblem(`chain name \`${name}' too long (must be under ${MAX_CHAIN_NAME + 1} chars)`);
  }
  if (name.startsWith('-') || name.startsWith('!'))
    return parameterProblem(`chain name not allowed to start with \`${name[0]}'`);
  if (findTarget(name)) return parameterProblem(`chain name may not clash with target name`);
  if (/\s/.test(name)) return parameterProblem(`Invalid chain name \`${name}'`);
  return undefined;
}

function newChain(ruleset: Ruleset, cmd: Command): IptablesResult {
  const name = cmd.chain as string;
  const invalid = validChainName(name);
  if (invalid) return invalid;
  if (isBuiltinChain(cmd.table, name)) return failure(REASON.chainExists);
  const table = ensureTable(ruleset, cmd.table);
  if (table.chains.some((c) => c.name === name)) return failure(REASON.chainExists);
  insertUserChain(table, name);
  return ok();
}

function deleteChain(ruleset: Ruleset, cmd: Command): IptablesResult {
  const table = findTable(ruleset, cmd.table);
  if (cmd.chain === undefined) {
    if (!table) return ok();
    const user = table.chains.filter((c) => !c.builtin);
    if (user.some((c) => c.rules.length > 0)) return failure(REASON.notEmpty);
    const doomed = new Set(user.map((c) => c.name));
    const heldByOthers = table.chains.some(
      (c) => !doomed.has(c.name) && c.rules.some((r) => doomed.has(r.spec.target?.name ?? '')),
    );
    if (heldByOthers) return failure(REASON.referenced);
    table.chains = table.chains.filter((c) => c.builtin);
    return ok();
  }
  const chain = table?.chains.find((c) => c.name === cmd.chain);
  if (!table || !chain) return failure(REASON.noChain);
  if (chain.rules.length > 0) return failure(REASON.notEmpty);
  if (!chain.builtin && countReferences(table, chain.name) > 0) return failure(REASON.referenced);
  // iptables-nft 1.8.9 deletes an empty built-in chain too; it then lists as before
  // (ACCEPT, no rules) and iptables-save omits it until it is used again.
  table.chains = table.chains.filter((c) => c !== chain);
  return ok();
}

function setPolicy(ruleset: Ruleset, cmd: Command): IptablesResult {
  const name = cmd.chain as string;
  if (!isBuiltinChain(cmd.table, name)) return failure(REASON.badBuiltin);
  if (cmd.extra !== 'ACCEPT' && cmd.extra !== 'DROP') return failure(REASON.badPolicy);
  const chain = ensureBuiltinChain(ensureTable(ruleset, cmd.table), name);
  chain.policy = cmd.extra;
  if (cmd.setCounters) chain.counters = { ...cmd.setCounters };
  return ok();
}

function renameChain(ruleset: Ruleset, cmd: Command): IptablesResult {
  const table = findTable(ruleset, cmd.table);
  const chain = table?.chains.find((c) => c.name === cmd.chain);
  const to = cmd.extra as string;
  if (!table || !chain || chain.builtin) return failure(REASON.noChain);
  const invalid = validChainName(to);
  if (invalid) return invalid;
  if (table.chains.some((c) => c.name === to) || isBuiltinChain(cmd.table, to))
    return failure(REASON.fileExists);
  const from = chain.name;
  // Jumps follow the chain: in the kernel they point at it, not at its name.
  for (const c of table.chains) {
    for (const r of c.rules) {
      if (r.spec.target?.name === from) {
        r.spec.target.name = to;
        r.text = formatRuleSpec(r.spec);
        forgetIndex(c);
      }
    }
  }
  table.chains = table.chains.filter((c) => c !== chain);
  chain.name = to;
  const at = table.chains.findIndex((c) => !c.builtin && byteOrder(c.name, to) > 0);
  if (at < 0) table.chains.push(chain);
  else table.chains.splice(at, 0, chain);
  return ok();
}

function list(ruleset: Ruleset, cmd: Command): IptablesResult {
  const table = tableView(ruleset, cmd);
  let chains = table.chains;
  if (cmd.chain !== undefined) {
    const chain = chains.find((c) => c.name === cmd.chain);
    if (!chain) return failure(REASON.noChain);
    chains = [chain];
  }
  if (cmd.op === 'S') {
    if (cmd.ruleNumber !== undefined) {
      const chain = chains[0] as Chain;
      if (cmd.ruleNumber > chain.rules.length || cmd.ruleNumber < 1) return failure(REASON.noChain);
      return ok(listRules(chains, cmd.verbose, { chain, rule: cmd.ruleNumber }));
    }
    return ok(listRules(chains, cmd.verbose));
  }
  return ok(listChains(table, chains, cmd));
}
