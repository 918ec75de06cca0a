import { echo } from '../netfilter/echo.ts';

/**
 * An error in a docker script, naming the file, the line and the offending token. The
 * message shows input through `echo` (cut, control characters escaped); fields keep it whole.
 */
export class DockerScriptError extends Error {
  /**
   * Docker (or the host's iptables) refused the line, with its own words: a shell would
   * go on with the next line, and so does `nettwin ruleset` (exiting non-zero at the end).
   */
  refused = false;

  constructor(
    readonly file: string,
    readonly line: number,
    readonly token: string,
    readonly detail: string,
  ) {
    super(`${echo(file)}:${line}: ${echo(detail, 600)}${token ? ` (at "${echo(token)}")` : ''}`);
    this.name = 'DockerScriptError';
  }
}
