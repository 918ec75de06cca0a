/** Errors of the packet path, each naming the rule (table, chain, number, text) or the setting at fault. */
import type { TableName } from '../types.ts';

export class RuleError extends Error {
  constructor(
    readonly table: TableName,
    readonly chain: string,
    readonly ruleNumber: number,
    readonly ruleText: string,
    problem: string,
    readonly line?: number,
  ) {
    const where = line === undefined ? '' : ` (dump line ${line})`;
    super(
      `${problem} — in table ${table}, rule ${ruleNumber} of chain ${chain}${where}: "-A ${chain} ${ruleText}"`,
    );
    this.name = 'RuleError';
  }
}

/** A host description the path cannot work with (bad address, unknown interface …). */
export class HostStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostStateError';
  }
}
