/**
 * Compose project names. A name given on the command line (`-p`) must already be in
 * compose's form; a name taken from the compose file's directory is normalised the way
 * compose-go's NormalizeProjectName does it: lower-cased, every character outside
 * [a-z0-9_-] dropped, leading `_` and `-` trimmed.
 */

const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export function normalizeProjectName(text: string): string {
  return (text.toLowerCase().match(/[a-z0-9_-]/g) ?? []).join('').replace(/^[_-]+/, '');
}

export function isValidProjectName(text: string): boolean {
  return PROJECT_NAME.test(text);
}

/** What is wrong with a given project name, in compose's words; undefined when it is fine. */
export function projectNameProblem(text: string): string | undefined {
  if (isValidProjectName(text)) return undefined;
  return (
    `project name "${text}" is not valid: it must contain only lowercase letters, digits, dashes and ` +
    'underscores, and begin with a lowercase letter or digit'
  );
}
