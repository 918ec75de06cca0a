/** An error in a docker script, naming the file, the line and the offending token. */
export class DockerScriptError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly token: string,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}${token ? ` (at "${token}")` : ''}`);
    this.name = 'DockerScriptError';
  }
}
