/**
 * Docker's refusal, real vs model. The real words come through the docker CLI ("docker:
 * " in front, a usage hint after, a full stop the 20.10 CLI adds) and name random ids;
 * what is compared is the daemon's sentence with every id replaced by <id>.
 */
// The CLI's own lines after the daemon's: a usage hint, and `docker network rm`'s
// (28.x) "exit status 1".
const USAGE_HINT =
  /^(See 'docker [\w -]+--help'\.|Run 'docker [\w -]+--help' for more information|exit status \d+)$/;

/** The refusal's words, from an error with a `stderr` (a real CLI run) or from its message. */
export function refusalWords(error: Error): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  const text = typeof stderr === 'string' && stderr.trim() ? stderr : error.message;
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !USAGE_HINT.test(line))
    .join('\n')
    .replace(/^docker: /, '')
    .replace(/\.$/, '')
    .replace(/\b[0-9a-f]{64}\b/g, '<id>')
    .replace(/\b[0-9a-f]{12}\b/g, '<id>');
}

/** Is this the model saying what Docker says (src/docker/refusals.ts), not a model limit? */
export function isModelRefusal(error: Error): boolean {
  return error.name === 'DockerRefusal';
}
