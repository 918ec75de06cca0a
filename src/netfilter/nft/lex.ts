/**
 * Splits one line of nft's language into words, quoted strings and brace groups, each
 * with its place in the line. nft prints a rule on one line, so a rule is one call;
 * commas separate elements only inside braces (`ct state established,related` is one word).
 */

export type NftToken =
  | { kind: 'word'; text: string; start: number; end: number }
  | { kind: 'string'; text: string; start: number; end: number }
  /** `{ … }`: its elements split at top-level commas, each as written (trimmed). */
  | { kind: 'group'; elements: string[]; start: number; end: number };

export class NftLexError extends Error {
  readonly column: number;
  constructor(detail: string, column: number) {
    super(detail);
    this.name = 'NftLexError';
    this.column = column;
  }
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t';
}

/** Index just past the `"` that closes the string opening at `start`. */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  throw new NftLexError('a string is not closed (no ")', start + 1);
}

/** Index just past the `}` that closes the group opening at `start`; nested groups and strings skipped. */
export function endOfGroup(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') i = endOfString(text, i) - 1;
    else if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  throw new NftLexError('a { is not closed on this line', start + 1);
}

/** The elements of `{ a, b : c, "x,y" }` (the text between the braces), split at top-level commas. */
export function splitElements(inner: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch === '"') i = endOfString(inner, i) - 1;
    else if (ch === '{') depth++;
    else if (ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(inner.slice(from, i).trim());
      from = i + 1;
    }
  }
  const last = inner.slice(from).trim();
  if (last !== '' || out.length > 0) out.push(last);
  return out.filter((e) => e !== '');
}

export function lexNft(text: string): NftToken[] {
  const tokens: NftToken[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (isSpace(ch)) {
      i++;
      continue;
    }
    if (ch === '"') {
      const end = endOfString(text, i);
      tokens.push({ kind: 'string', text: text.slice(i + 1, end - 1), start: i, end });
      i = end;
      continue;
    }
    if (ch === '{') {
      const end = endOfGroup(text, i);
      tokens.push({ kind: 'group', elements: splitElements(text.slice(i + 1, end - 1)), start: i, end });
      i = end;
      continue;
    }
    if (ch === '}') throw new NftLexError('a } closes nothing', i + 1);
    let end = i;
    while (end < text.length && !isSpace(text[end] as string) && text[end] !== '{' && text[end] !== '"')
      end++;
    tokens.push({ kind: 'word', text: text.slice(i, end), start: i, end });
    i = end;
  }
  return tokens;
}
