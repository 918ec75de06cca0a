/**
 * `nft list ruleset` text → NftRuleset. Reads nft's own listing (tables, chains, sets,
 * maps, rules one per line), with counters (`counter packets N bytes M`) or without
 * (`nft -s`). Tables that iptables-nft owns are marked, so callers read them through
 * iptables-save. Errors name the file, the line and what is wrong.
 */
import { echo } from '../echo.ts';
import { NftLexError, splitElements } from './lex.ts';
import { NftPriorityError, priorityValue } from './priority.ts';
import { parseMapEntry, parseNftRuleText } from './statements.ts';
import {
  NFT_FAMILIES,
  NFT_HOOKS,
  type NftBaseChain,
  type NftChain,
  type NftChainType,
  type NftFamily,
  type NftHook,
  type NftRuleset,
  type NftSet,
  type NftTable,
} from './types.ts';

export class NftParseError extends Error {
  readonly file: string;
  readonly line: number;
  readonly detail: string;
  constructor(file: string, line: number, detail: string, lineText: string) {
    super(`${echo(detail, 300)} on line ${line} of ${echo(file)}: ${echo(lineText.trim())}`);
    this.name = 'NftParseError';
    this.file = file;
    this.line = line;
    this.detail = detail;
  }
}

/** iptables-nft's mark, printed by nft above each table it owns. */
const MANAGED = /^# Warning: table (\S+) (\S+) is managed by iptables-nft, do not touch!$/;

interface Line {
  text: string;
  number: number;
}

class Lines {
  i = 0;
  constructor(
    readonly lines: Line[],
    readonly file: string,
  ) {}
  next(): Line | undefined {
    return this.lines[this.i++];
  }
  fail(line: Line, detail: string): never {
    throw new NftParseError(this.file, line.number, detail, line.text);
  }
}

/** `type filter hook forward priority filter; policy accept;` (a listing's line, or `nft add chain`'s braces). */
export function parseBaseChainText(text: string, family: NftFamily): NftBaseChain {
  // type filter hook forward [device "eth0" | devices = { … }] priority filter; policy accept;
  const m =
    /^type\s+(\S+)\s+hook\s+(\S+)(?:\s+(device\s+"[^"]*"|devices\s*=\s*\{[^}]*\}))?\s+priority\s+([^;]+);(?:\s*policy\s+(accept|drop);)?(?:\s*flags\s+\S+;)?\s*$/.exec(
      text,
    );
  if (!m) throw new Error('expected "type T hook H priority P; policy accept|drop;"');
  const [, type, hook, devicesText, priorityText, policy] = m as unknown as [
    string,
    string,
    string,
    string | undefined,
    string,
    string | undefined,
  ];
  if (type !== 'filter' && type !== 'nat' && type !== 'route')
    throw new Error(`unknown chain type "${type}"`);
  if (!NFT_HOOKS.includes(hook as NftHook)) throw new Error(`unknown hook "${hook}"`);
  return {
    type: type as NftChainType,
    hook: hook as NftHook,
    priority: priorityValue(priorityText, family),
    priorityText: priorityText.trim(),
    policy: policy === 'drop' ? 'drop' : 'accept',
    ...(devicesText === undefined ? {} : { devicesText }),
  };
}

function parseChain(lines: Lines, name: string, family: NftFamily): NftChain {
  const chain: NftChain = { name, rules: [] };
  for (let line = lines.next(); line !== undefined; line = lines.next()) {
    const text = line.text.trim();
    if (text === '}') return chain;
    if (text === '') continue;
    try {
      if (text.startsWith('type ') && chain.rules.length === 0 && !chain.base) {
        chain.base = parseBaseChainText(text, family);
      } else if (/^comment "/.test(text) && chain.rules.length === 0 && !chain.base) {
        chain.comment = JSON.parse(text.slice('comment '.length)) as string;
      } else {
        // nft indents a rule with two tabs; anything after them is the rule (iptables-nft's
        // translations can start with a space).
        const ruleText = line.text.startsWith('\t\t') ? line.text.slice(2) : text;
        chain.rules.push({ text: ruleText, statements: parseNftRuleText(ruleText), line: line.number });
      }
    } catch (e) {
      if (e instanceof NftParseError) throw e;
      const detail =
        e instanceof NftPriorityError || e instanceof NftLexError ? e.message : (e as Error).message;
      lines.fail(line, `chain "${name}": ${detail}`);
    }
  }
  throw new NftParseError(lines.file, lines.lines.length, `chain "${name}" is not closed by "}"`, '');
}

/** The text of `elements = { … }`, which nft wraps over several lines. */
function readElements(lines: Lines, first: Line): { inner: string; layout: string[] } {
  const layout = [first.text];
  const open = first.text.indexOf('{');
  // Braces are counted line by line (a 5,000-element set is 1,000 lines: rescanning the
  // joined text at each line would be quadratic); strings may hold braces.
  let depth = 0;
  for (let line: Line | undefined = first, from = open; line !== undefined; from = 0) {
    const text = line.text;
    for (let i = from; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"') {
        i++;
        while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
        if (i >= text.length) lines.fail(line, 'a string is not closed (no ")');
      } else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) {
        const joined = layout.join('\n');
        const end = joined.length - (text.length - i - 1);
        return { inner: joined.slice(open + 1, end - 1), layout };
      }
    }
    line = lines.next();
    if (!line) lines.fail(first, 'the elements of a set are not closed by "}"');
    layout.push(line.text);
  }
  return lines.fail(first, 'the elements of a set are not closed by "}"');
}

function parseSet(lines: Lines, kind: 'set' | 'map', name: string): NftSet {
  const set: NftSet = { kind, name, declaration: [], keyType: '', elements: [] };
  for (let line = lines.next(); line !== undefined; line = lines.next()) {
    const text = line.text.trim();
    if (text === '}') return set;
    if (text === '') continue;
    if (text.startsWith('elements = {')) {
      const { inner, layout } = readElements(lines, line);
      set.elements = splitElements(inner).map((e) =>
        kind === 'map' ? parseMapEntry(e) : { key: e, value: '' },
      );
      set.elementsLayout = layout;
      continue;
    }
    set.declaration.push(text);
    const type = /^(?:type|typeof)\s+(.+?)(?:\s+:\s+(.+))?$/.exec(text);
    if (type) {
      set.keyType = (type[1] as string).trim();
      if (type[2] !== undefined) set.valueType = type[2].trim();
    }
  }
  throw new NftParseError(lines.file, lines.lines.length, `${kind} "${name}" is not closed by "}"`, '');
}

/** A block the model keeps only as text (flowtable, named counter, quota, ct helper …). */
function skipBlock(lines: Lines, first: Line, into: string[]): void {
  into.push(first.text.trim());
  let depth = 1;
  for (let line = lines.next(); line !== undefined; line = lines.next()) {
    into.push(line.text.trim());
    depth += (line.text.match(/\{/g) ?? []).length - (line.text.match(/\}/g) ?? []).length;
    if (depth <= 0) return;
  }
  lines.fail(first, 'a block is not closed by "}"');
}

function parseTable(lines: Lines, header: Line, family: NftFamily, name: string): NftTable {
  const table: NftTable = { family, name, attributes: [], sets: [], chains: [] };
  for (let line = lines.next(); line !== undefined; line = lines.next()) {
    const text = line.text.trim();
    if (text === '}') return table;
    if (text === '') {
      // nft 1.1 leaves a blank line after a table's `flags …`/`comment …` declarations.
      if (table.attributes.length > 0 && table.sets.length === 0 && table.chains.length === 0)
        table.blankAfterAttributes = true;
      continue;
    }
    const object = /^(chain|set|map)\s+(\S+)\s+\{$/.exec(text);
    if (object) {
      const [, kind, objectName] = object as unknown as [string, 'chain' | 'set' | 'map', string];
      if (kind === 'chain') {
        if (table.chains.some((c) => c.name === objectName))
          lines.fail(line, `chain "${objectName}" appears twice`);
        table.chains.push(parseChain(lines, objectName, family));
      } else table.sets.push(parseSet(lines, kind, objectName));
    } else if (text.endsWith('{')) skipBlock(lines, line, table.attributes);
    else table.attributes.push(text);
  }
  return lines.fail(header, `table ${family} ${name} is not closed by "}"`);
}

export interface ParseNftOptions {
  /** Named in errors. */
  file?: string;
}

export function parseNftRuleset(text: string, options: ParseNftOptions = {}): NftRuleset {
  const file = options.file ?? '<nft ruleset>';
  const lines = new Lines(
    text.split('\n').map((t, i) => ({ text: t.replace(/\r$/, ''), number: i + 1 })),
    file,
  );
  const ruleset: NftRuleset = { tables: [] };
  // nft prints the marks to stderr (1.0.x) or above the table (1.1.x): a listing taken with
  // 2>&1 may carry them anywhere, even glued to a closing brace.
  const managed = new Set<string>();
  for (const line of lines.lines) {
    const mark = MANAGED.exec(line.text.trim().replace(/^\}(?=# Warning)/, ''));
    if (mark) managed.add(`${mark[1]} ${mark[2]}`);
    if (/^\}# Warning/.test(line.text.trim())) line.text = '}';
  }
  for (let line = lines.next(); line !== undefined; line = lines.next()) {
    const t = line.text.trim();
    if (t === '' || MANAGED.test(t)) continue;
    if (t.startsWith('#')) continue;
    // nft 1.1 prints an owned table's owner after the brace: `table inet firewalld { # progname firewalld`.
    const header = /^table\s+(\S+)\s+(\S+)\s+\{(?:\s+(#.*))?$/.exec(t);
    if (!header) lines.fail(line, 'expected "table FAMILY NAME {" (is this `nft list ruleset` output?)');
    const [, family, name] = header as unknown as [string, string, string];
    if (!NFT_FAMILIES.includes(family as NftFamily)) lines.fail(line, `unknown table family "${family}"`);
    if (ruleset.tables.some((x) => x.family === family && x.name === name)) {
      lines.fail(line, `table ${family} ${name} appears twice`);
    }
    const table = parseTable(lines, line, family as NftFamily, name);
    if (header?.[3] !== undefined) table.headerComment = header[3];
    if (managed.has(`${family} ${name}`)) table.managedBy = 'iptables-nft';
    ruleset.tables.push(table);
  }
  return ruleset;
}
