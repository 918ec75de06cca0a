/**
 * The host's iptables tables as libnetwork's iptables package handles them (moby
 * `iptables.IPTable`): runs argv through an iptables runner against the host's ruleset,
 * with the helpers Docker's iptables rule writers build everything from (Exists,
 * ProgramRule, EnsureJumpRule, NewChain, AddReturnRule). Every command that changes the
 * ruleset is logged, so tests can check the exact sequence and order Docker would run.
 * Hand-typed `iptables …` host commands and the DinD baseline's DNS rules go here too,
 * whichever firewall backend Docker uses.
 */

import { type IptablesResult, runIptables } from '../netfilter/iptables/index.ts';
import { forgetRuleIndex } from '../netfilter/iptables/rule-index.ts';
import { formatRuleSpec } from '../netfilter/ruleset/index.ts';
import type { Ruleset, TableName } from '../netfilter/types.ts';

/** Which program a table belongs to: iptables (IPv4) or ip6tables (IPv6). */
export type IpFamily = 'ipv4' | 'ipv6';

export type { IptablesResult };

/** The signature of `runIptables` (src/netfilter/iptables); injectable for tests. */
export type IptablesRunner = (ruleset: Ruleset, argv: string[]) => IptablesResult;

export type RuleAction = '-A' | '-I' | '-D';

const MUTATING = new Set(['-A', '-I', '-D', '-N', '-X', '-F', '-P', '-R', '-Z']);

export class IPTable {
  /** Mutating commands as run, e.g. ['-t','nat','-I','POSTROUTING', …]. */
  readonly log: string[][] = [];
  /**
   * Built-in chains ("raw/PREROUTING") iptables-nft has registered in the kernel: a
   * built-in exists from its first rule or non-ACCEPT policy on, and deleting or flushing
   * its rules (-D, -F) does not unregister it, so it goes on counting; `-X` removes it
   * when it is empty with an ACCEPT policy (IptablesState.materializedBuiltins). Measured on
   * a 28.5 DinD host (iptables 1.8.13 nft) with filter INPUT.
   */
  readonly registeredBuiltins = new Set<string>();

  /** ip6tables' tables are driven as `ip6tables …`: the interpreter reads IPv6 addresses then. */
  private readonly program: readonly string[];

  constructor(
    readonly ruleset: Ruleset,
    private readonly runner: IptablesRunner = runIptables,
    readonly family: IpFamily = 'ipv4',
  ) {
    this.program = family === 'ipv6' ? ['ip6tables'] : [];
  }

  /** The runner with the program word ip6tables needs; iptables' argv goes as it is. */
  private exec(argv: readonly string[]): IptablesResult {
    return this.runner(this.ruleset, [...this.program, ...argv]);
  }

  run(argv: string[]): IptablesResult {
    const mutating = argv.some((a) => MUTATING.has(a));
    if (mutating) this.log.push([...argv]);
    const deleted = mutating ? this.builtinsDeletedBy(argv) : [];
    const result = this.exec(argv);
    if (mutating) {
      if (result.exitCode === 0) for (const key of deleted) this.registeredBuiltins.delete(key);
      this.noteRegisteredBuiltins();
    }
    return result;
  }

  /** The host's tables are replaced (a reboot): nothing is registered any more. */
  replaceTables(fresh: Ruleset): void {
    this.ruleset.tables = fresh.tables;
    this.registeredBuiltins.clear();
  }

  /** `-X [CHAIN]` deletes the empty ACCEPT built-ins it names (all of the table's without a name). */
  private builtinsDeletedBy(argv: readonly string[]): string[] {
    const at = argv.findIndex((a) => a === '-X' || a === '--delete-chain');
    if (at < 0) return [];
    const t = argv.findIndex((a) => a === '-t' || a === '--table');
    const tableName = (t >= 0 ? argv[t + 1] : undefined) ?? 'filter';
    const named = argv[at + 1] !== undefined && !argv[at + 1]?.startsWith('-') ? argv[at + 1] : undefined;
    const table = this.ruleset.tables.find((x) => x.name === tableName);
    return (table?.chains ?? [])
      .filter(
        (c) => c.policy === 'ACCEPT' && c.rules.length === 0 && (named === undefined || c.name === named),
      )
      .map((c) => `${tableName}/${c.name}`);
  }

  private noteRegisteredBuiltins(): void {
    for (const table of this.ruleset.tables) {
      for (const chain of table.chains) {
        if (chain.policy === undefined) continue;
        if (chain.rules.length > 0 || chain.policy !== 'ACCEPT')
          this.registeredBuiltins.add(`${table.name}/${chain.name}`);
      }
    }
  }

  /** `iptables -t T -C CHAIN args…` succeeds. */
  exists(table: TableName, chain: string, args: string[]): boolean {
    return this.exec(['-t', table, '-C', chain, ...args]).exitCode === 0;
  }

  chainExists(table: TableName, chain: string): boolean {
    return this.exec(['-t', table, '-n', '-L', chain]).exitCode === 0;
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

  /**
   * Every rule's `-i`/`-o` naming `from` now names `to`, in place (positions and counters
   * kept): the twin learnt the real bridge name, which the rules were written with.
   */
  renameInterface(from: string, to: string): void {
    for (const table of this.ruleset.tables) {
      for (const chain of table.chains) {
        let renamed = false;
        for (const rule of chain.rules) {
          let changed = false;
          for (const key of ['inInterface', 'outInterface'] as const) {
            const v = rule.spec[key];
            if (v && v.value === from) {
              v.value = to;
              changed = true;
            }
          }
          if (changed) rule.text = formatRuleSpec(rule.spec);
          renamed ||= changed;
        }
        // The chain's -C/-D index still knows the old texts.
        if (renamed) forgetRuleIndex(chain);
      }
    }
  }
}
