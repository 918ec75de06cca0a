/**
 * Building and looking up tables and chains in a Ruleset, keeping the order
 * iptables-nft-save prints them in.
 */
import { BUILTIN_CHAINS, type Chain, type Hook, type Ruleset, type Table, type TableName } from '../types.ts';

/**
 * Table order of iptables-nft-save when several tables exist (its internal table list:
 * mangle, security, raw, filter, nat). The ground truth confirms filter before nat.
 */
export const TABLE_SAVE_ORDER: readonly TableName[] = ['mangle', 'security', 'raw', 'filter', 'nat'];

export const TABLE_NAMES: readonly TableName[] = ['raw', 'mangle', 'nat', 'filter', 'security'];

export function isTableName(name: string): name is TableName {
  return (TABLE_NAMES as readonly string[]).includes(name);
}

export function isBuiltinChain(table: TableName, chain: string): chain is Hook {
  return (BUILTIN_CHAINS[table] as readonly string[]).includes(chain);
}

export function newBuiltinChain(name: Hook): Chain {
  return { name, builtin: true, policy: 'ACCEPT', counters: { packets: 0, bytes: 0 }, rules: [] };
}

export function newUserChain(name: string): Chain {
  return { name, builtin: false, counters: { packets: 0, bytes: 0 }, rules: [] };
}

export function newTable(name: TableName): Table {
  return {
    name,
    chains: BUILTIN_CHAINS[name].map(newBuiltinChain),
    leadingComments: [],
    trailingComments: [],
  };
}

/** Built-in chains with ACCEPT policies; tables in iptables-nft-save order. Default: filter and nat. */
export function emptyRuleset(tables: readonly TableName[] = ['filter', 'nat']): Ruleset {
  const rs: Ruleset = { tables: [] };
  for (const t of tables) ensureTable(rs, t);
  return rs;
}

export function cloneRuleset(rs: Ruleset): Ruleset {
  return structuredClone(rs);
}

export function findTable(rs: Ruleset, table: TableName): Table | undefined {
  return rs.tables.find((t) => t.name === table);
}

export function findChain(rs: Ruleset, table: TableName, chain: string): Chain | undefined {
  return findTable(rs, table)?.chains.find((c) => c.name === chain);
}

/** The table, created with its built-in chains (at its iptables-nft-save place) if absent. */
export function ensureTable(rs: Ruleset, name: TableName): Table {
  const existing = findTable(rs, name);
  if (existing) return existing;
  const table = newTable(name);
  const rank = TABLE_SAVE_ORDER.indexOf(name);
  const at = rs.tables.findIndex((t) => TABLE_SAVE_ORDER.indexOf(t.name) > rank);
  if (at < 0) rs.tables.push(table);
  else rs.tables.splice(at, 0, table);
  return table;
}

/**
 * A built-in chain missing from a parsed dump (iptables-nft-save omits chains the
 * kernel has not created yet) is created at its hook-order place when first used.
 */
export function ensureBuiltinChain(table: Table, name: Hook): Chain {
  const existing = table.chains.find((c) => c.name === name);
  if (existing) return existing;
  const chain = newBuiltinChain(name);
  const order = BUILTIN_CHAINS[table.name];
  const rank = order.indexOf(name);
  const at = table.chains.findIndex((c) => !c.builtin || order.indexOf(c.name as Hook) > rank);
  if (at < 0) table.chains.push(chain);
  else table.chains.splice(at, 0, chain);
  return chain;
}

/** Compares like C strcmp on ASCII names (DOCKER < DOCKER-USER < DOCKER_OUTPUT). */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Adds a user chain where iptables-save would print it: after built-ins, sorted by name. */
export function insertUserChain(table: Table, name: string): Chain {
  const chain = newUserChain(name);
  const at = table.chains.findIndex((c) => !c.builtin && byteOrder(c.name, name) > 0);
  if (at < 0) table.chains.push(chain);
  else table.chains.splice(at, 0, chain);
  return chain;
}

/** Zeroes rule and policy counters of one table, or of all tables. */
export function zeroCounters(rs: Ruleset, table?: TableName): void {
  for (const t of rs.tables) {
    if (table && t.name !== table) continue;
    for (const c of t.chains) {
      c.counters = { packets: 0, bytes: 0 };
      for (const r of c.rules) r.counters = { packets: 0, bytes: 0 };
    }
  }
}

/** Rules anywhere in the table that jump or go to `chain`. */
export function countReferences(table: Table, chain: string): number {
  let n = 0;
  for (const c of table.chains) for (const r of c.rules) if (r.spec.target?.name === chain) n++;
  return n;
}
