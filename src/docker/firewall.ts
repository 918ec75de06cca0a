/**
 * The daemon's handle on iptables: runs argv through an iptables runner against the
 * host's ruleset, with the helpers libnetwork builds everything from (Exists, ProgramRule,
 * EnsureJumpRule, NewChain, AddReturnRule). Every command that changes the ruleset is
 * logged, so tests can check the exact sequence and order Docker would run.
 */

import { type IptablesResult, runIptables } from '../netfilter/iptables/index.ts';
import type { Ruleset, TableName } from '../netfilter/types.ts';

export type { IptablesResult };

/** The signature of `runIptables` (src/netfilter/iptables); injectable for tests. */
export type IptablesRunner = (ruleset: Ruleset, argv: string[]) => IptablesResult;

export type RuleAction = '-A' | '-I' | '-D';

const MUTATING = new Set(['-A', '-I', '-D', '-N', '-X', '-F', '-P', '-R', '-Z']);

export class Firewall {
  /** Mutating commands as run, e.g. ['-t','nat','-I','POSTROUTING', …]. */
  readonly log: string[][] = [];

  constructor(
    readonly ruleset: Ruleset,
    private readonly runner: IptablesRunner = runIptables,
  ) {}

  run(argv: string[]): IptablesResult {
    if (argv.some((a) => MUTATING.has(a))) this.log.push([...argv]);
    return this.runner(this.ruleset, argv);
  }

  /** `iptables -t T -C CHAIN args…` succeeds. */
  exists(table: TableName, chain: string, args: string[]): boolean {
    return this.runner(this.ruleset, ['-t', table, '-C', chain, ...args]).exitCode === 0;
  }

  chainExists(table: TableName, chain: string): boolean {
    return this.runner(this.ruleset, ['-t', table, '-n', '-L', chain]).exitCode === 0;
  }

  /** libnetwork ProgramRule: -A/-I only when absent, -D only when present. */
  programRule(table: TableName, chain: string, action: RuleAction, args: string[]): void {
    if (this.exists(table, chain, args) !== (action === '-D')) return;
    this.run(['-t', table, action, chain, ...args]);
  }

  /** NewChain: create unless `-L` finds it. */
  newChain(table: TableName, chain: string): void {
    if (!this.chainExists(table, chain)) this.run(['-t', table, '-N', chain]);
  }

  /** AddReturnRule: append `-j RETURN` unless present. */
  addReturnRule(chain: string): void {
    if (!this.exists('filter', chain, ['-j', 'RETURN'])) this.run(['-A', chain, '-j', 'RETURN']);
  }

  /** EnsureJumpRule: delete the jump if present, then insert it at the top. */
  ensureJumpRule(from: string, to: string): void {
    if (this.exists('filter', from, ['-j', to])) this.run(['-D', from, '-j', to]);
    this.run(['-I', from, '-j', to]);
  }

  /** ChainInfo.Remove-style teardown; errors ignored as libnetwork ignores them. */
  flushAndDelete(table: TableName, chain: string): void {
    this.run(['-t', table, '-F', chain]);
    this.run(['-t', table, '-X', chain]);
  }
}
