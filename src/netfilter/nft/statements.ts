/**
 * One rule's text → its statements. nft prints a rule as a sequence of expressions and
 * statements: matches (`ip daddr != 127.0.0.0/8`), `fib`, verdict-map lookups
 * (`oifname vmap @filter-forward-in-jumps`), `counter`, `log`, NAT, `comment` and a
 * verdict. What the model does not read is kept as `unsupported` text: the rule still
 * prints back, and the evaluator refuses it by name when a packet reaches it.
 */
import { lexNft, type NftToken, splitElements } from './lex.ts';
import type {
  NftMapEntry,
  NftMatchOperator,
  NftStatement,
  NftStatementBody,
  NftValue,
  NftVerdict,
} from './types.ts';

/** Meta keys nft prints without the `meta` keyword. */
const BARE_META = new Set([
  'iifname',
  'oifname',
  'iif',
  'oif',
  'iiftype',
  'oiftype',
  'iifgroup',
  'oifgroup',
  'mark',
  'skuid',
  'skgid',
  'nfproto',
  'l4proto',
  'pkttype',
  'cpu',
  'cgroup',
  'priority',
]);

/** Payload protocols whose fields are selectors (`ip daddr`, `tcp dport`). */
const PAYLOAD = new Set([
  'ip',
  'ip6',
  'tcp',
  'udp',
  'udplite',
  'th',
  'icmp',
  'icmpv6',
  'sctp',
  'dccp',
  'ether',
  'vlan',
  'arp',
  'ah',
  'esp',
  'comp',
  'meta',
]);

const OPERATORS = new Set<string>(['==', '!=', '<', '>', '<=', '>=']);

const SIMPLE_VERDICTS = new Set(['accept', 'drop', 'continue', 'return']);

const NAT_FLAGS = new Set(['random', 'persistent', 'fully-random']);

const LOG_OPTIONS_WITH_VALUE = new Set(['prefix', 'level', 'flags', 'group', 'snaplen', 'queue-threshold']);

class Cursor {
  i = 0;
  constructor(readonly tokens: NftToken[]) {}
  peek(offset = 0): NftToken | undefined {
    return this.tokens[this.i + offset];
  }
  word(offset = 0): string | undefined {
    const t = this.peek(offset);
    return t?.kind === 'word' ? t.text : undefined;
  }
  next(): NftToken {
    const t = this.tokens[this.i++];
    if (!t) throw new Error('unexpected end of rule');
    return t;
  }
  get done(): boolean {
    return this.i >= this.tokens.length;
  }
  /** End offset of the token before the cursor. */
  get lastEnd(): number {
    return this.tokens[this.i - 1]?.end ?? 0;
  }
}

function nftValue(token: NftToken): NftValue {
  if (token.kind === 'group') return { kind: 'set', elements: token.elements };
  if (token.kind === 'string') return { kind: 'literal', text: token.text };
  if (token.text.startsWith('@')) return { kind: 'ref', name: token.text.slice(1) };
  return { kind: 'literal', text: token.text };
}

/** Selector words at the cursor (`ip daddr`, `ct original ip saddr`, `iifname`), or undefined. */
function readSelector(c: Cursor): string | undefined {
  const first = c.word();
  if (first === undefined) return undefined;
  if (BARE_META.has(first)) {
    c.next();
    return first;
  }
  if (first === 'ct') {
    const words = ['ct'];
    c.next();
    const direction = c.word();
    if (direction === 'original' || direction === 'reply') {
      c.next();
      words.push(direction);
      const family = c.word();
      if (family === 'ip' || family === 'ip6') {
        c.next();
        words.push(family);
      }
    }
    const key = c.word();
    if (key === undefined) return undefined;
    c.next();
    words.push(key);
    return words.join(' ');
  }
  if (PAYLOAD.has(first)) {
    const key = c.word(1);
    if (key === undefined || SIMPLE_VERDICTS.has(key)) return undefined;
    c.next();
    c.next();
    return `${first} ${key}`;
  }
  return undefined;
}

/** A selector, possibly a concatenation (`ip saddr . tcp dport`). */
function readConcatenatedSelector(c: Cursor): string | undefined {
  const first = readSelector(c);
  if (first === undefined) return undefined;
  const parts = [first];
  while (c.word() === '.') {
    c.next();
    const more = readSelector(c);
    if (more === undefined) throw new Error('a concatenation "." is not followed by a selector');
    parts.push(more);
  }
  return parts.join(' . ');
}

function readOperatorAndValue(c: Cursor): { op: NftMatchOperator; value: NftValue } {
  let op: NftMatchOperator = 'implicit';
  const w = c.word();
  if (w !== undefined && OPERATORS.has(w)) {
    op = w as NftMatchOperator;
    c.next();
  }
  const t = c.peek();
  if (!t) throw new Error('a match has no value');
  c.next();
  return { op, value: nftValue(t) };
}

/** `"docker0" : jump filter-forward-in__docker0` → { key: '"docker0"', value: 'jump …' }. */
export function parseMapEntry(element: string): NftMapEntry {
  const at = element.search(/\s:\s/);
  if (at < 0) return { key: element, value: '' };
  return {
    key: element.slice(0, at).trim(),
    value: element
      .slice(at)
      .replace(/^\s:\s/, '')
      .trim(),
  };
}

function readVerdict(c: Cursor, word: string): NftVerdict {
  if (SIMPLE_VERDICTS.has(word)) return { kind: word as 'accept' | 'drop' | 'continue' | 'return' };
  if (word === 'jump' || word === 'goto') {
    const target = c.peek();
    if (!target || target.kind === 'group') throw new Error(`"${word}" names no chain`);
    c.next();
    return { kind: word, chain: target.text };
  }
  // reject [with <icmp|icmpv6|icmpx> [type] <code> | with tcp reset]
  if (c.word() !== 'with') return { kind: 'reject' };
  c.next();
  const words: string[] = [];
  const family = c.word();
  if (family === undefined) throw new Error('"reject with" names nothing');
  words.push(family);
  c.next();
  if (c.word() === 'type') {
    c.next();
    words.push('type');
  }
  const code = c.word();
  if (code !== undefined) {
    words.push(code);
    c.next();
  }
  return { kind: 'reject', with: words.join(' ') };
}

function readOne(c: Cursor): NftStatementBody {
  const t = c.peek() as NftToken;
  const word = c.word();
  if (word === 'counter') {
    c.next();
    if (c.word() === 'packets' && c.word(2) === 'bytes') {
      const packets = c.word(1);
      const bytes = c.word(3);
      if (packets !== undefined && bytes !== undefined && /^\d+$/.test(packets) && /^\d+$/.test(bytes)) {
        c.i += 4;
        return { kind: 'counter', counter: { packets: BigInt(packets), bytes: BigInt(bytes) } };
      }
      throw new Error('"counter packets N bytes M" needs two whole numbers');
    }
    return { kind: 'counter' };
  }
  if (word === 'comment') {
    c.next();
    const text = c.peek();
    if (text?.kind !== 'string') throw new Error('"comment" is not followed by a quoted string');
    c.next();
    return { kind: 'comment', text: text.text };
  }
  if (
    word !== undefined &&
    (SIMPLE_VERDICTS.has(word) || word === 'jump' || word === 'goto' || word === 'reject')
  ) {
    c.next();
    return { kind: 'verdict', verdict: readVerdict(c, word) };
  }
  if (word === 'masquerade' || word === 'snat' || word === 'dnat' || word === 'redirect') {
    c.next();
    if ((word === 'snat' || word === 'dnat') && (c.word() === 'ip' || c.word() === 'ip6')) c.next();
    let to: string | undefined;
    if (c.word() === 'to') {
      c.next();
      const target = c.next();
      to = target.kind === 'group' ? `{ ${target.elements.join(', ')} }` : target.text;
    }
    const flags: string[] = [];
    while (c.word() !== undefined && NAT_FLAGS.has(c.word() as string))
      flags.push((c.next() as { text: string }).text);
    return { kind: 'nat', type: word, ...(to === undefined ? {} : { to }), flags };
  }
  if (word === 'log') {
    c.next();
    const words: string[] = [];
    while (c.word() !== undefined && LOG_OPTIONS_WITH_VALUE.has(c.word() as string)) {
      words.push((c.next() as { text: string }).text);
      const v = c.next();
      words.push(
        v.kind === 'string' ? `"${v.text}"` : v.kind === 'word' ? v.text : `{ ${v.elements.join(', ')} }`,
      );
    }
    return { kind: 'log', words };
  }
  if (word === 'fib') {
    c.next();
    const words: string[] = [];
    // fib {saddr|daddr} [. {iif|oif|mark}]… {oif|oifname|type}
    for (
      let w = c.word();
      w !== undefined && /^(saddr|daddr|iif|oif|oifname|mark|type|\.)$/.test(w);
      w = c.word()
    ) {
      words.push(w);
      c.next();
      if (w === 'type' || ((w === 'oif' || w === 'oifname') && words.length > 1 && words.at(-2) !== '.'))
        break;
    }
    const { op, value } = readOperatorAndValue(c);
    return { kind: 'fib', words, op, value };
  }
  const start = c.i;
  const selector = readConcatenatedSelector(c);
  if (selector !== undefined) {
    if (c.word() === 'vmap') {
      c.next();
      const m = c.next();
      if (m.kind === 'group') {
        return { kind: 'vmap', selector, map: { kind: 'inline', entries: m.elements.map(parseMapEntry) } };
      }
      return { kind: 'vmap', selector, map: nftValue(m) };
    }
    if (c.word() !== 'set') {
      const { op, value } = readOperatorAndValue(c);
      return { kind: 'match', selector, op, value };
    }
    c.i = start;
  }
  // Not understood: one token as text, so the statements after it are still read.
  c.next();
  return { kind: 'unsupported', text: t.kind === 'group' ? `{ ${t.elements.join(', ')} }` : t.text };
}

/** The statements of one rule. Throws an Error naming what is wrong (the caller adds the line). */
export function parseNftRuleText(text: string): NftStatement[] {
  const c = new Cursor(lexNft(text));
  const out: NftStatement[] = [];
  while (!c.done) {
    const start = (c.peek() as NftToken).start;
    const statement = readOne(c);
    const last = out.at(-1);
    // Unsupported words in a row are one statement (`meta mark set 0x1`).
    if (statement.kind === 'unsupported' && last?.kind === 'unsupported') {
      last.text = text.slice(last.span[0], c.lastEnd);
      last.span = [last.span[0], c.lastEnd];
      continue;
    }
    out.push({ ...statement, span: [start, c.lastEnd] } as NftStatement);
  }
  return out;
}

export { splitElements };
