/**
 * Input quoted back in an error message: at most ~200 characters, control characters
 * shown as escapes. A parser's message names what it could not read, but a binary dump
 * or a 10 MB line must not come back raw (terminal escapes, megabytes of output).
 * Every parser's error path (ruleset dumps, iptables lines, docker scripts) uses this.
 */

/** How much of an echoed input a message keeps. */
export const ECHO_LIMIT = 200;

/**
 * Longest script line the parsers read (128 KiB): MAX_ARG_STRLEN, the kernel's limit for
 * one argument of a command, so no real command line is refused. Longer lines are an
 * error before any splitting (shell-quote overflows its stack on a 5 MB word).
 */
export const MAX_LINE_LENGTH = 131_072;

// C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators and bidi overrides
// that can make a terminal show something else than the text.
function isControl(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

function escapeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` as a message may show it: control characters escaped (`\x1b`, `\n`), cut to
 * about `limit` characters with the number of characters left out, e.g.
 * `-A INPUT -m comment --comment "xxxx… (10485560 more characters)`.
 */
export function echo(text: string, limit = ECHO_LIMIT): string {
  let out = '';
  let used = 0;
  // Looks at no more of the text than it shows: a 10 MB line costs nothing here.
  while (used < text.length) {
    const code = text.charCodeAt(used);
    // A surrogate pair stays whole; a lone surrogate is shown as an escape.
    const pair = code >= 0xd800 && code <= 0xdbff && isLow(text.charCodeAt(used + 1));
    const ch = pair ? text.slice(used, used + 2) : (text[used] as string);
    const piece = !pair && (isControl(code) || isSurrogate(code)) ? escapeChar(ch) : ch;
    if (out.length + piece.length > limit) break;
    out += piece;
    used += ch.length;
  }
  const dropped = text.length - used;
  return dropped > 0 ? `${out}… (${dropped} more characters)` : out;
}

const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;
const isSurrogate = (code: number) => code >= 0xd800 && code <= 0xdfff;

/** A line too long to parse, as the parsers report it. */
export function lineTooLong(length: number): string {
  return `line too long: ${length} characters (at most ${MAX_LINE_LENGTH}, the kernel's limit for one command-line argument)`;
}
