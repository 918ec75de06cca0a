/**
 * The `nft` command line on a host's native tables (HostState.firewall's nftables entry), for the host
 * commands a scenario runs: `add|create table`, `add chain` (with a base chain's
 * `{ type … hook … priority …; policy …; }`), `add|insert rule`, `flush ruleset|table|chain`,
 * `delete table|chain`, `list ruleset|table`. Answers as nft does: exit 0 and stdout, or
 * exit 1 and an "Error: …" line. Arguments are data: each word is read, never evaluated.
 */
import { echo } from '../echo.ts';
import { parseBaseChainText } from './parse.ts';
import { listedPriority } from './priority.ts';
import { serializeNftRuleset, serializeNftTable } from './serialize.ts';
import { parseNftRuleText } from './statements.ts';
import { NFT_FAMILIES, type NftChain, type NftFamily, type NftRuleset, type NftTable } from './types.ts';

export interface NftCommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

class NftCommandError extends Error {}

const ok = (stdout = ''): NftCommandResult => ({ exitCode: 0, stdout, stderr: '' });

function family(word: string | undefined): NftFamily {
  if (word === undefined || !NFT_FAMILIES.includes(word as NftFamily)) {
    throw new NftCommandError(`unknown family ${word === undefined ? '(none)' : `"${echo(word, 40)}"`}`);
  }
  return word as NftFamily;
}

function name(word: string | undefined, what: string): string {
  if (word === undefined || !/^[A-Za-z0-9_.-]{1,256}$/.test(word)) {
    throw new NftCommandError(
      `${what} name ${word === undefined ? 'missing' : `"${echo(word, 40)}" is not one nft accepts`}`,
    );
  }
  return word;
}

function findTable(rs: NftRuleset, f: NftFamily, t: string): NftTable {
  const table = rs.tables.find((x) => x.family === f && x.name === t);
  if (!table) throw new NftCommandError(`No such file or directory; no table ${t} in family ${f}`);
  return table;
}

function findChain(table: NftTable, c: string): NftChain {
  const chain = table.chains.find((x) => x.name === c);
  if (!chain)
    throw new NftCommandError(
      `No such file or directory; no chain ${c} in table ${table.family} ${table.name}`,
    );
  return chain;
}

/** `{ type filter hook forward priority -10; policy accept; }` as one or several words. */
function chainSpec(words: string[]): string | undefined {
  if (words.length === 0) return undefined;
  const text = words.join(' ').trim();
  if (!text.startsWith('{') || !text.endsWith('}'))
    throw new NftCommandError(`expected "{ … }" after the chain name, got "${echo(text, 80)}"`);
  return text.slice(1, -1).trim();
}

/** Interface selectors: nft takes their value bare (`iifname eth0`) and lists it quoted. */
const INTERFACE_SELECTOR = /^(?:meta )?(?:iif|oif)(?:name)?$/;

/**
 * The rule text as nft lists it back where the model can tell: interface names quoted
 * (a shell line `nft add rule … iifname br0 accept` is listed `iifname "br0" accept`), so
 * that rule listings and counter rows name it as the real host does.
 */
function listedRuleText(text: string): string {
  let out = '';
  let at = 0;
  for (const s of parseNftRuleText(text)) {
    if (s.kind !== 'match' || !INTERFACE_SELECTOR.test(s.selector)) continue;
    const quote = (name: string) => (name.startsWith('"') ? name : JSON.stringify(name));
    const written = text.slice(s.span[0], s.span[1]);
    let listed = written;
    if (s.value.kind === 'literal' && !written.endsWith('"')) {
      const i = written.lastIndexOf(s.value.text);
      listed = written.slice(0, i) + quote(s.value.text) + written.slice(i + s.value.text.length);
    } else if (s.value.kind === 'set' && s.value.elements.some((e) => !e.startsWith('"'))) {
      const i = written.indexOf('{');
      listed = `${written.slice(0, i)}{ ${s.value.elements.map(quote).join(', ')} }`;
    }
    out += text.slice(at, s.span[0]) + listed;
    at = s.span[1];
  }
  return out + text.slice(at);
}

/** A rule added by a command counts from zero, as nft lists it (`counter packets 0 bytes 0`). */
function newRule(words: string[]) {
  const text = listedRuleText(words.join(' '));
  const statements = parseNftRuleText(text);
  for (const s of statements) if (s.kind === 'counter') s.counter = { packets: 0n, bytes: 0n };
  return { text, statements };
}

function run(rs: NftRuleset, argv: readonly string[]): NftCommandResult {
  const [verb, object, ...rest] = argv;
  if (verb === 'list' && object === 'ruleset') return ok(serializeNftRuleset(rs));
  if (verb === 'list' && object === 'table')
    return ok(serializeNftTable(findTable(rs, family(rest[0]), name(rest[1], 'table'))));
  if (verb === 'flush' && object === 'ruleset') {
    rs.tables.length = 0;
    return ok();
  }
  if ((verb === 'add' || verb === 'create') && object === 'table') {
    const f = family(rest[0]);
    const t = name(rest[1], 'table');
    if (rs.tables.some((x) => x.family === f && x.name === t)) {
      if (verb === 'create') throw new NftCommandError(`File exists; table ${t} in family ${f}`);
      return ok();
    }
    rs.tables.push({ family: f, name: t, attributes: [], sets: [], chains: [] });
    return ok();
  }
  if (verb === 'delete' && object === 'table') {
    const table = findTable(rs, family(rest[0]), name(rest[1], 'table'));
    rs.tables.splice(rs.tables.indexOf(table), 1);
    return ok();
  }
  if (verb === 'flush' && object === 'table') {
    for (const c of findTable(rs, family(rest[0]), name(rest[1], 'table')).chains) c.rules.length = 0;
    return ok();
  }
  if ((verb === 'add' || verb === 'create') && object === 'chain') {
    const f = family(rest[0]);
    const table = findTable(rs, f, name(rest[1], 'table'));
    const c = name(rest[2], 'chain');
    const spec = chainSpec(rest.slice(3));
    if (table.chains.some((x) => x.name === c)) {
      if (verb === 'create' || spec !== undefined) throw new NftCommandError(`File exists; chain ${c}`);
      return ok();
    }
    const chain: NftChain = { name: c, rules: [] };
    if (spec !== undefined) {
      try {
        chain.base = parseBaseChainText(spec.replace(/\s*;\s*$/, ';'), f);
        // Listed as nft lists it back (`priority -10` → `priority filter - 10`).
        chain.base.priorityText = listedPriority(chain.base.priority, f, chain.base.hook);
      } catch (error) {
        throw new NftCommandError((error as Error).message);
      }
    }
    table.chains.push(chain);
    return ok();
  }
  if ((verb === 'delete' || verb === 'flush') && object === 'chain') {
    const table = findTable(rs, family(rest[0]), name(rest[1], 'table'));
    const chain = findChain(table, name(rest[2], 'chain'));
    if (verb === 'flush') chain.rules.length = 0;
    else table.chains.splice(table.chains.indexOf(chain), 1);
    return ok();
  }
  if ((verb === 'add' || verb === 'insert') && object === 'rule') {
    const table = findTable(rs, family(rest[0]), name(rest[1], 'table'));
    const chain = findChain(table, name(rest[2], 'chain'));
    const words = rest.slice(3);
    if (words.length === 0) throw new NftCommandError('a rule needs at least one statement');
    let rule: ReturnType<typeof newRule>;
    try {
      rule = newRule(words);
    } catch (error) {
      throw new NftCommandError((error as Error).message);
    }
    if (verb === 'add') chain.rules.push(rule);
    else chain.rules.unshift(rule);
    return ok();
  }
  throw new NftCommandError(
    `"nft ${echo(argv.slice(0, 2).join(' '), 60)}" is not a command nettwin's model runs (add/create/delete/flush/list of tables, chains and rules)`,
  );
}

/**
 * Runs `nft ARGV…` (without the leading "nft") on `rs`. Every command checks what it names
 * before it changes anything, so a refused command leaves the ruleset as it was.
 */
export function runNft(rs: NftRuleset, argv: readonly string[]): NftCommandResult {
  try {
    return run(rs, argv);
  } catch (error) {
    if (!(error instanceof NftCommandError)) throw error;
    return { exitCode: 1, stdout: '', stderr: `Error: ${error.message}\n` };
  }
}
