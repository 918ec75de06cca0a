/**
 * The iptables command line → a Command: which operation, on which table and chain,
 * with which rule spec and listing flags. Rule options and command options may be
 * mixed in any order, as getopt allows (`-t nat -A DOCKER -p tcp … -w`).
 */
import type { Family } from '../address/index.ts';
import { exactCounters, saturatingCounterValue } from '../ruleset/counters.ts';
import { parseRuleArgs, RuleSpecError } from '../ruleset/rule-spec.ts';
import { isTableName } from '../ruleset/tables.ts';
import type { Counters, RuleSpec, TableName } from '../types.ts';
import { IPTABLES_VERSION, type IptablesResult, parameterProblem } from './result.ts';

export type Operation = 'A' | 'C' | 'D' | 'I' | 'R' | 'L' | 'S' | 'F' | 'Z' | 'N' | 'X' | 'P' | 'E';

export interface Command {
  op: Operation;
  table: TableName;
  chain?: string;
  /** -D/-I/-R/-Z/-S rule number. */
  ruleNumber?: number;
  /** -P policy, -E new name. */
  extra?: string;
  spec: RuleSpec;
  /** The spec names a user chain as target (must exist in the table). */
  targetIsChain: boolean;
  /** Any rule option was given (distinguishes `-D CHAIN` from `-D CHAIN -j X`). */
  hasSpec: boolean;
  numeric: boolean;
  verbose: boolean;
  exact: boolean;
  lineNumbers: boolean;
  /** -c PACKETS BYTES for -A/-I/-R. */
  setCounters?: Counters;
}

const LONG_COMMANDS: Readonly<Record<string, Operation>> = {
  append: 'A',
  check: 'C',
  delete: 'D',
  insert: 'I',
  replace: 'R',
  list: 'L',
  'list-rules': 'S',
  flush: 'F',
  zero: 'Z',
  'new-chain': 'N',
  'delete-chain': 'X',
  policy: 'P',
  'rename-chain': 'E',
};
const OPERATIONS = new Set<string>(Object.values(LONG_COMMANDS));
const SHORT_FLAGS = new Set(['n', 'v', 'x', 'w', 'W', 't', 'c', 'h', 'V']);
const isNumber = (s: string | undefined) => s !== undefined && /^\d+$/.test(s);
const isOptionalArg = (s: string | undefined) => s !== undefined && s !== '!' && !s.startsWith('-');

/**
 * Parses an iptables argv (the leading "iptables" word is optional). A leading
 * `ip6tables` (or `family` 'ipv6') reads the rule as ip6tables does: IPv6 addresses, icmp6.
 */
export function parseCommand(input: readonly string[], family?: Family): Command | IptablesResult {
  const tool = /(^|\/)(ip6?)?tables(-nft|-legacy)?$/.exec(input[0] ?? '');
  const argv = tool ? input.slice(1) : [...input];
  return new CommandParser(argv, family ?? (tool?.[2] === 'ip6' ? 'ipv6' : 'ipv4')).parse();
}

/**
 * One parse of a command line. Methods, not closures inside parseCommand: the Docker
 * model runs this for every iptables command it writes (hundreds of thousands at scale).
 */
class CommandParser {
  private op: Operation | undefined;
  private table: string | undefined;
  private chain: string | undefined;
  private ruleNumber: number | undefined;
  private extra: string | undefined;
  private setCounters: Counters | undefined;
  private readonly flags = { numeric: false, verbose: false, exact: false, lineNumbers: false };
  private problem: IptablesResult | undefined;

  constructor(
    private readonly argv: readonly string[],
    private readonly family: Family,
  ) {}

  private needChain(letter: Operation, a: string | undefined): number {
    if (!isOptionalArg(a)) {
      this.problem ??= parameterProblem(`option "-${letter}" requires an argument`);
      return 0;
    }
    this.chain = a;
    return 1;
  }

  /** Reads the arguments of an operation starting at argv[at]; returns how many it took. */
  private takeOperation(letter: Operation, at: number): number {
    if (this.op !== undefined) {
      this.problem ??= parameterProblem(`Cannot use -${letter} with -${this.op}`);
      return 0;
    }
    this.op = letter;
    const a = this.argv[at];
    const b = this.argv[at + 1];
    switch (letter) {
      case 'A':
      case 'C':
      case 'N':
        return this.needChain(letter, a);
      case 'D':
      case 'I': {
        const n = this.needChain(letter, a);
        if (n && isNumber(b)) {
          this.ruleNumber = Number(b);
          return 2;
        }
        return n;
      }
      case 'R': {
        const n = this.needChain(letter, a);
        if (!n) return 0;
        if (!isNumber(b)) {
          this.problem ??= parameterProblem('-R requires a rule number');
          return 1;
        }
        this.ruleNumber = Number(b);
        return 2;
      }
      case 'L':
      case 'S':
      case 'F':
      case 'Z':
      case 'X': {
        if (!isOptionalArg(a)) return 0;
        this.chain = a;
        if ((letter === 'S' || letter === 'Z') && isNumber(b)) {
          this.ruleNumber = Number(b);
          return 2;
        }
        return 1;
      }
      case 'P':
      case 'E': {
        if (!isOptionalArg(a) || b === undefined) {
          this.problem ??= parameterProblem(
            letter === 'P'
              ? '-P requires a chain and a policy'
              : '-E requires old-chain-name and new-chain-name',
          );
          return 0;
        }
        this.chain = a;
        this.extra = b;
        return 2;
      }
    }
  }

  private takeFlag(letter: string, at: number): number {
    const argv = this.argv;
    switch (letter) {
      case 'n':
        this.flags.numeric = true;
        return 0;
      case 'v':
        this.flags.verbose = true;
        return 0;
      case 'x':
        this.flags.exact = true;
        return 0;
      case 'w':
        // --wait [seconds]: the model has no lock to wait for.
        return isNumber(argv[at]) ? 1 : 0;
      case 'W':
        return isNumber(argv[at]) ? 1 : 0;
      case 't': {
        const name = argv[at];
        if (name === undefined) {
          this.problem ??= parameterProblem('option "-t" requires an argument');
          return 0;
        }
        if (this.table !== undefined && this.table !== name)
          this.problem ??= parameterProblem('multiple -t flags not allowed');
        this.table = name;
        return 1;
      }
      case 'c': {
        const p = argv[at];
        const b = argv[at + 1];
        if (!isNumber(p) || !isNumber(b)) {
          this.problem ??= parameterProblem('-c requires packet and byte counter');
          return 0;
        }
        // iptables reads them with strtoull, which saturates at 2^64-1 (measured, 1.8.9).
        this.setCounters = exactCounters(
          saturatingCounterValue(p as string),
          saturatingCounterValue(b as string),
        );
        return 2;
      }
      default:
        this.problem ??= parameterProblem(`option "-${letter}" is not supported by the nettwin model`);
        return 0;
    }
  }

  /** The hook parseRuleArgs calls for a token that is not a rule option. */
  private foreign(args: readonly string[], index: number): number {
    const tok = args[index] as string;
    if (tok.startsWith('--')) {
      const eq = tok.indexOf('=');
      const name = eq > 0 ? tok.slice(2, eq) : tok.slice(2);
      const inline = eq > 0 ? tok.slice(eq + 1) : undefined;
      const longOp = Object.hasOwn(LONG_COMMANDS, name) ? LONG_COMMANDS[name] : undefined;
      if (longOp) return 1 + this.takeOperation(longOp, index + 1);
      switch (name) {
        case 'table':
          if (inline !== undefined) {
            this.table = inline;
            return 1;
          }
          return 1 + this.takeFlag('t', index + 1);
        case 'numeric':
          return 1 + this.takeFlag('n', index + 1);
        case 'verbose':
          return 1 + this.takeFlag('v', index + 1);
        case 'exact':
          return 1 + this.takeFlag('x', index + 1);
        case 'line-numbers':
          this.flags.lineNumbers = true;
          return 1;
        case 'wait':
          return 1 + (inline !== undefined ? 0 : this.takeFlag('w', index + 1));
        case 'wait-interval':
          return 1 + (inline !== undefined ? 0 : this.takeFlag('W', index + 1));
        case 'set-counters':
          return 1 + this.takeFlag('c', index + 1);
        case 'modprobe':
          return inline !== undefined ? 1 : 2;
        default:
          return 0;
      }
    }
    if (!tok.startsWith('-') || tok.length < 2) return 0;
    const letters = tok.slice(1);
    // -tnat: an option letter with its value attached.
    if (letters[0] === 't' && letters.length > 1) {
      this.table = letters.slice(1);
      return 1;
    }
    if (![...letters].every((l) => OPERATIONS.has(l) || SHORT_FLAGS.has(l))) return 0;
    // -nvL DOCKER: flags, then at most one letter that takes the following arguments.
    let used = 1;
    for (const l of letters) {
      used += OPERATIONS.has(l)
        ? this.takeOperation(l as Operation, index + used)
        : this.takeFlag(l, index + used);
    }
    return used;
  }

  parse(): Command | IptablesResult {
    let parsed: ReturnType<typeof parseRuleArgs>;
    try {
      parsed = parseRuleArgs(this.argv, (args, index) => this.foreign(args, index), this.family);
    } catch (e) {
      if (e instanceof RuleSpecError) return this.problem ?? ruleSpecProblem(e);
      throw e;
    }
    if (this.problem) return this.problem;
    const op = this.op;
    if (op === undefined) return parameterProblem('no command specified');
    const tableName = this.table ?? 'filter';
    if (!isTableName(tableName)) {
      return {
        exitCode: 3,
        stdout: '',
        stderr: `iptables ${IPTABLES_VERSION}: table '${tableName}' does not exist\nPerhaps iptables or your kernel needs to be upgraded.\n`,
      };
    }
    const hasSpec = Object.keys(parsed.spec).some((k) => k !== 'matches') || parsed.spec.matches.length > 0;
    const cmd: Command = {
      op,
      table: tableName,
      spec: parsed.spec,
      targetIsChain: parsed.targetIsChain,
      hasSpec,
      ...this.flags,
    };
    if (this.chain !== undefined) cmd.chain = this.chain;
    if (this.ruleNumber !== undefined) cmd.ruleNumber = this.ruleNumber;
    if (this.extra !== undefined) cmd.extra = this.extra;
    if (this.setCounters !== undefined) cmd.setCounters = this.setCounters;
    return cmd;
  }
}

function ruleSpecProblem(e: RuleSpecError): IptablesResult {
  switch (e.kind) {
    case 'unknown-match':
      return parameterProblem(`Couldn't load match \`${e.token}':No such file or directory\n`);
    case 'unknown-option':
      return parameterProblem(`unknown option "${e.token}"`);
    case 'bad-value':
      if (!e.token.startsWith('-') && /^bad argument/.test(e.message))
        return parameterProblem(`Bad argument \`${e.token}'`);
      return parameterProblem(e.message.replace(/"([^"]*)"/, "`$1'"));
    default:
      return parameterProblem(e.message);
  }
}
