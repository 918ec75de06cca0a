/**
 * Runs a list of shell-quoted `iptables …` lines against a ruleset, stopping at the
 * first failure with an IptablesError that names the line and what iptables said.
 */
import { lineTooLong, MAX_LINE_LENGTH } from '../echo.ts';
import { TokenizeError, tokenize } from '../ruleset/tokenize.ts';
import type { Ruleset } from '../types.ts';
import { IptablesError, parameterProblem } from './result.ts';
import { runIptables } from './run.ts';

/** Blank lines and `#` comments are skipped; the leading word "iptables" is optional. */
export function applyIptablesScript(ruleset: Ruleset, lines: readonly string[]): void {
  lines.forEach((line, k) => {
    if (line.length > MAX_LINE_LENGTH) {
      throw new IptablesError(line, parameterProblem(lineTooLong(line.length)), k + 1);
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    let argv: string[];
    try {
      argv = tokenize(trimmed).map((t) => t.value);
    } catch (e) {
      if (e instanceof TokenizeError) throw new IptablesError(trimmed, parameterProblem(e.message), k + 1);
      throw e;
    }
    const result = runIptables(ruleset, argv);
    if (result.exitCode !== 0) throw new IptablesError(trimmed, result, k + 1);
  });
}
