/** Errors of the packet path, each naming the rule (table, chain, number, text) or the setting at fault. */
import { echo } from '../echo.ts';
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
      `${echo(problem, 400)} — in table ${table}, rule ${ruleNumber} of chain ${chain}${where}: "${echo(`-A ${chain} ${ruleText}`)}"`,
    );
    this.name = 'RuleError';
  }
}

/** A host description the path cannot work with (bad address, unknown interface …). */
export class HostStateError extends Error {
  constructor(message: string) {
    // Messages quote host descriptions given by the user (interface names, addresses).
    super(echo(message, 600));
    this.name = 'HostStateError';
  }
}
