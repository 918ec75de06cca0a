/** Errors of the ruleset layer. */
import { echo } from '../echo.ts';

/**
 * An iptables-save text that cannot be read. Carries the file, the 1-based line, the
 * offending token and the line itself; the message quotes the line and says what to fix.
 * The message shows input through `echo` (cut, control characters escaped); the fields
 * keep it whole.
 */
export class RulesetParseError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number | undefined;
  readonly token: string;
  /** What is wrong, without the location ("unknown match \"foo\""). */
  readonly detail: string;
  readonly lineText: string;

  constructor(options: {
    file: string;
    line: number;
    column?: number;
    token: string;
    detail: string;
    lineText: string;
    hint?: string;
  }) {
    const hint = options.hint ? ` (${echo(options.hint, 300)})` : '';
    super(
      `${echo(options.detail, 300)} on line ${options.line} of ${echo(options.file)}: ${echo(options.lineText)}${hint}`,
    );
    this.name = 'RulesetParseError';
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.token = options.token;
    this.detail = options.detail;
    this.lineText = options.lineText;
  }
}
