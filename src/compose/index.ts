/**
 * Compose files as nettwin scenarios: `readCompose` turns a compose file's text into
 * the plan `docker compose up -d` carries out (networks, then containers in start
 * order), in the terms of src/contract.ts. Pure: the caller reads the file.
 */
import path from 'node:path';

export { ComposeError } from './errors.ts';
export type { ComposeNetwork } from './networks.ts';
export type { ComposeContainer, ComposePlan, ComposeReadOptions, ComposeStep } from './plan.ts';
export { readCompose } from './plan.ts';
export { isValidProjectName, normalizeProjectName } from './project-name.ts';

/** The directory name compose derives a project name from: the one holding the file. */
export function composeDirectoryName(file: string): string {
  return path.basename(path.dirname(path.resolve(file)));
}
