/**
 * Reads `iptables-save` and `iptables-save -c` text into a Ruleset. Each rule keeps its
 * original text (byte-exact round trip) beside the parsed spec; every problem is a
 * RulesetParseError naming the file, line and token.
 */
import type { Family } from '../address/index.ts';
import { lineTooLong, MAX_LINE_LENGTH } from '../echo.ts';
import type { Chain, Counters, Policy, Rule, Ruleset, Table } from '../types.ts';
import { exactCounters, MAX_COUNTER, parseCounterValue } from './counters.ts';
import { RulesetParseError } from './errors.ts';
import { findTarget } from './extensions.ts';
import { dumpFamily } from './family.ts';
import { checkJumpGraph, describeJumpPath } from './jump-graph.ts';
import { parseRuleArgs, RuleSpecError } from './rule-spec.ts';
import { isBuiltinChain, isTableName, newBuiltinChain, newUserChain } from './tables.ts';
import { TokenizeError, tokenize } from './tokenize.ts';

export interface ParseRulesetOptions {
  /** Named in errors; default "<input>". */
  file?: string;
  /** ip6tables-save ('ipv6') or iptables-save; default: what the dump's header (or its addresses) say. */
  family?: Family;
}

const COUNTERS = /^\[([^\]:]*):([^\]]*)\]$/;
const CHAIN_NAME = /^[^\s!][^\s]{0,28}$/;

interface PendingJump {
  rule: Rule;
  lineNo: number;
  lineText: string;
  column: number;
}

export function parseRuleset(text: string, options: ParseRulesetOptions = {}): Ruleset {
  const file = options.file ?? '<input>';
  const family = options.family ?? dumpFamily(text);
  const rs: Ruleset = { tables: [] };
  const lines = text.split('\n');
  // A final newline does not start another (empty) line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  let table: Table | undefined;
  let tableLine = 0;
  let pendingComments: string[] = [];
  let jumps: PendingJump[] = [];

  const fail: Fail = (lineNo, lineText, detail, token, column, hint) =>
    new RulesetParseError({
      file,
      line: lineNo,
      token,
      detail,
      lineText,
      ...(column !== undefined ? { column } : {}),
      ...(hint ? { hint } : {}),
    });

  for (let idx = 0; idx < lines.length; idx++) {
    const lineNo = idx + 1;
    const raw = lines[idx] as string;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length > MAX_LINE_LENGTH) {
      throw fail(
        lineNo,
        line,
        lineTooLong(line.length),
        line.slice(0, 20),
        0,
        'iptables-save writes no such line',
      );
    }
    if (line.trim() === '') continue;

    if (line.startsWith('#')) {
      if (table) table.trailingComments.push(line);
      else if (line.startsWith('# Completed') && rs.tables.length > 0) {
        // iptables-save closes each table with "# Completed on …": it belongs to the table above.
        (rs.tables[rs.tables.length - 1] as Table).trailingComments.push(line);
      } else pendingComments.push(line);
      continue;
    }

    if (line.startsWith('*')) {
      const name = line.slice(1).trim();
      if (table) {
        throw fail(
          lineNo,
          line,
          `missing COMMIT for table ${table.name} (opened on line ${tableLine})`,
          line,
        );
      }
      if (!isTableName(name)) {
        throw fail(
          lineNo,
          line,
          `unknown table "${name}"`,
          name,
          1,
          'tables are raw, mangle, nat, filter, security',
        );
      }
      if (rs.tables.some((t) => t.name === name)) {
        throw fail(lineNo, line, `table ${name} appears twice`, name, 1);
      }
      table = { name, chains: [], leadingComments: pendingComments, trailingComments: [] };
      pendingComments = [];
      tableLine = lineNo;
      jumps = [];
      continue;
    }

    if (line === 'COMMIT' || line.trim() === 'COMMIT') {
      if (!table) throw fail(lineNo, line, 'COMMIT without a *table line before it', 'COMMIT');
      checkJumps(table, jumps, fail);
      checkLoops(table, fail);
      rs.tables.push(table);
      table = undefined;
      continue;
    }

    if (line.startsWith(':')) {
      if (!table)
        throw fail(lineNo, line, 'chain declaration outside of a table (no *table line before it)', line);
      table.chains.push(parseChainLine(table, line, lineNo, fail));
      continue;
    }

    if (line.startsWith('[') || line.startsWith('-')) {
      if (!table) throw fail(lineNo, line, 'rule outside of a table (no *table line before it)', line);
      parseRuleLine(table, line, lineNo, fail, jumps, family);
      continue;
    }

    const token = line.trim().split(/\s+/)[0] ?? line;
    throw fail(
      lineNo,
      line,
      `unexpected "${token}"`,
      token,
      0,
      'expected *table, :CHAIN, -A CHAIN …, COMMIT or # comment',
    );
  }

  if (table) {
    throw fail(
      tableLine,
      `*${table.name}`,
      `missing COMMIT for table ${table.name}`,
      `*${table.name}`,
      0,
      'add a COMMIT line after its last rule',
    );
  }
  // Comments after the last table stay after it; a file of comments only has nothing to model.
  rs.tables[rs.tables.length - 1]?.trailingComments.push(...pendingComments);
  return rs;
}

type Fail = (
  lineNo: number,
  lineText: string,
  detail: string,
  token: string,
  column?: number,
  hint?: string,
) => RulesetParseError;

function parseCounters(text: string, lineNo: number, line: string, fail: Fail, column: number): Counters {
  const m = COUNTERS.exec(text);
  const packets = m ? parseCounterValue(m[1] as string) : undefined;
  const bytes = m ? parseCounterValue(m[2] as string) : undefined;
  if (packets === undefined || bytes === undefined) {
    const tooBig = m && /^\d+$/.test(m[1] as string) && /^\d+$/.test(m[2] as string);
    throw fail(
      lineNo,
      line,
      tooBig ? `counters above 2^64-1: ${text}` : `bad counters "${text}"`,
      text,
      column,
      tooBig
        ? `kernel counters are 64-bit: at most ${MAX_COUNTER}`
        : 'counters are [packets:bytes], both whole numbers',
    );
  }
  return exactCounters(packets, bytes);
}

function parseChainLine(table: Table, line: string, lineNo: number, fail: Fail): Chain {
  const fields = line
    .slice(1)
    .split(/\s+/)
    .filter((f) => f !== '');
  const [name, policy, counters, ...extra] = fields;
  if (!name || !CHAIN_NAME.test(name)) {
    throw fail(lineNo, line, `bad chain name "${name ?? ''}"`, name ?? line, 1);
  }
  if (extra.length > 0)
    throw fail(lineNo, line, `unexpected "${extra[0]}" after the counters`, extra[0] as string);
  if (table.chains.some((c) => c.name === name)) {
    throw fail(lineNo, line, `chain ${name} declared twice in table ${table.name}`, name, 1);
  }
  if (policy === undefined)
    throw fail(lineNo, line, `missing policy for chain ${name}`, name, 1, 'write "-" for a user chain');
  const col = line.indexOf(counters ?? '\u0000');
  const parsedCounters =
    counters === undefined ? { packets: 0, bytes: 0 } : parseCounters(counters, lineNo, line, fail, col);
  if (isBuiltinChain(table.name, name)) {
    if (policy !== 'ACCEPT' && policy !== 'DROP') {
      throw fail(
        lineNo,
        line,
        `bad policy "${policy}" for built-in chain ${name}`,
        policy,
        line.indexOf(policy),
        'use ACCEPT or DROP',
      );
    }
    const chain = newBuiltinChain(name);
    chain.policy = policy as Policy;
    chain.counters = parsedCounters;
    return chain;
  }
  if (policy !== '-') {
    throw fail(
      lineNo,
      line,
      `policy "${policy}" on user chain ${name}`,
      policy,
      line.indexOf(policy),
      `only built-in chains of table ${table.name} have a policy; write "-"`,
    );
  }
  const chain = newUserChain(name);
  chain.counters = parsedCounters;
  return chain;
}

function parseRuleLine(
  table: Table,
  line: string,
  lineNo: number,
  fail: Fail,
  jumps: PendingJump[],
  family: Family,
): Rule {
  let tokens: ReturnType<typeof tokenize>;
  try {
    tokens = tokenize(line);
  } catch (e) {
    if (e instanceof TokenizeError) throw fail(lineNo, line, e.message, line.slice(e.column), e.column);
    throw e;
  }
  let k = 0;
  let counters: Counters = { packets: 0, bytes: 0 };
  const first = tokens[0];
  if (first?.value.startsWith('[')) {
    counters = parseCounters(first.value, lineNo, line, fail, first.column);
    k = 1;
  }
  const verb = tokens[k];
  if (verb?.value !== '-A') {
    const v = verb?.value ?? '';
    throw fail(
      lineNo,
      line,
      `expected "-A CHAIN" but found "${v}"`,
      v,
      verb?.column,
      'iptables-save writes every rule as -A',
    );
  }
  const chainTok = tokens[k + 1];
  if (!chainTok) throw fail(lineNo, line, '"-A" without a chain name', '-A', verb.column);
  const chain = table.chains.find((c) => c.name === chainTok.value);
  if (!chain) {
    throw fail(
      lineNo,
      line,
      `rule for chain ${chainTok.value} before its :${chainTok.value} declaration`,
      chainTok.value,
      chainTok.column,
      `declare ":${chainTok.value} - [0:0]" in table ${table.name} above the rules`,
    );
  }
  const specTokens = tokens.slice(k + 2);
  const textStart = specTokens[0]?.column ?? line.length;
  let parsed: ReturnType<typeof parseRuleArgs>;
  try {
    parsed = parseRuleArgs(
      specTokens.map((t) => t.value),
      undefined,
      family,
    );
  } catch (e) {
    if (e instanceof RuleSpecError) {
      const at = specTokens[e.index];
      throw fail(lineNo, line, e.message, e.token, at?.column);
    }
    throw e;
  }
  const rule: Rule = { spec: parsed.spec, text: line.slice(textStart), counters, line: lineNo };
  chain.rules.push(rule);
  if (parsed.targetIsChain) {
    const targetIndex = specTokens.findIndex(
      (t, n) =>
        (t.value === '-j' || t.value === '-g' || t.value === '--jump' || t.value === '--goto') &&
        specTokens[n + 1],
    );
    jumps.push({ rule, lineNo, lineText: line, column: specTokens[targetIndex + 1]?.column ?? 0 });
  }
  return rule;
}

/**
 * A loop that a built-in chain reaches is refused, as iptables-restore's commit is by the
 * kernel (both nf_tables and x_tables); loops no built-in chain reaches are kept, as there.
 */
function checkLoops(table: Table, fail: Fail): void {
  const problem = checkJumpGraph(table);
  if (!problem) return;
  const { rule } = problem;
  const lineText = `-A ${problem.chain} ${rule.text}`;
  throw fail(
    rule.line ?? 0,
    lineText,
    `jump loop in table ${table.name}: ${describeJumpPath(problem.path)}`,
    rule.spec.target?.name ?? '',
    undefined,
    'the kernel refuses a loop that a built-in chain reaches; break the loop or remove the jump',
  );
}

/** A `-j NAME` that is neither a target extension nor a chain of this table is an error. */
function checkJumps(table: Table, jumps: PendingJump[], fail: Fail): void {
  for (const j of jumps) {
    const name = j.rule.spec.target?.name ?? '';
    if (findTarget(name) || table.chains.some((c) => c.name === name)) continue;
    throw fail(
      j.lineNo,
      j.lineText,
      `unknown target "${name}"`,
      name,
      j.column,
      `not a supported target extension and no chain :${name} in table ${table.name}`,
    );
  }
}
