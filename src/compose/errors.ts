/**
 * A compose file nettwin cannot use: malformed YAML, a value the compose specification
 * does not allow, or a networking key nettwin does not model. The message names the
 * file, the line and the key (as a path: `services.web.ports[1]`) and says what to do.
 */
export class ComposeError extends Error {
  override name = 'ComposeError';
  constructor(
    readonly file: string,
    /** 1-based; the line of the key (or of the nearest enclosing key nettwin could place). */
    readonly line: number,
    /** The key as a path from the top of the file; '' for the file as a whole. */
    readonly key: string,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${key ? `${key}: ` : ''}${detail}`);
  }
}

/** A path inside the document: mapping keys and sequence indexes. */
export type KeyPath = ReadonlyArray<string | number>;

/** `services.web.ports[1]`: the path as people write it. */
export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}
