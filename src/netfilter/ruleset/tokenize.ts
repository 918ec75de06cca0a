/**
 * Shell-like splitting of one rule line, as iptables-restore does it: whitespace
 * separates, double and single quotes group, a backslash escapes the next character
 * (inside double quotes only before `"` `\` `'`, as xtables_save_string writes them).
 */

export interface Token {
  value: string;
  /** 0-based column where the token starts in the line. */
  column: number;
}

export class TokenizeError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
    this.name = 'TokenizeError';
  }
}

export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    const start = i;
    let value = '';
    while (i < line.length) {
      const ch = line[i] as string;
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') break;
      if (ch === '"' || ch === "'") {
        const close = readQuoted(line, i, ch);
        value += close.value;
        i = close.end;
        continue;
      }
      if (ch === '\\' && i + 1 < line.length) {
        value += line[i + 1];
        i += 2;
        continue;
      }
      value += ch;
      i++;
    }
    tokens.push({ value, column: start });
  }
  return tokens;
}

function readQuoted(line: string, open: number, quote: string): { value: string; end: number } {
  let value = '';
  let i = open + 1;
  while (i < line.length) {
    const ch = line[i] as string;
    if (ch === quote) return { value, end: i + 1 };
    if (quote === '"' && ch === '\\' && i + 1 < line.length && `"\\'`.includes(line[i + 1] as string)) {
      value += line[i + 1];
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
  throw new TokenizeError(`unterminated ${quote === '"' ? 'double' : 'single'} quote`, open);
}

const NO_QUOTE = /^[A-Za-z0-9_-]+$/;

/**
 * Quotes a free-text argument the way iptables-save does (xtables_save_string):
 * bare when it is only letters, digits, `_` and `-`, else in double quotes with
 * `"`, `\` and `'` backslash-escaped.
 */
export function quoteSaveString(value: string): string {
  if (NO_QUOTE.test(value)) return value;
  return `"${value.replace(/["\\']/g, (m) => `\\${m}`)}"`;
}

/** Quotes any argument only when the shell would otherwise split or mangle it. */
export function quoteIfNeeded(value: string): string {
  if (value !== '' && !/[\s"'\\]/.test(value)) return value;
  return quoteSaveString(value);
}
