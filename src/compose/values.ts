/** Small checks shared by the compose readers. */
import type { KeyPath } from './errors.ts';
import type { ComposeSource } from './yaml-source.ts';

export type Mapping = Record<string, unknown>;

export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Compose replaces `${VAR}` from the environment and `.env`; nettwin reads no
 * environment, so a networking value that needs one is refused rather than guessed.
 */
export function noInterpolation(src: ComposeSource, path: KeyPath, text: string): string {
  const rest = text.replaceAll('$$', '');
  if (rest.includes('$'))
    throw src.error(path, `"${text}": variable interpolation is not modelled; write the value itself`);
  return text.replaceAll('$$', '$');
}
