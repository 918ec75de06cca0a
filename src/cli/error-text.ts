/**
 * An error as the command line prints it: its message, then each cause's. cucumber wraps a
 * failed BeforeAll hook as "a BeforeAll hook errored, process exiting: steps/hooks.ts:52"
 * with the reason (a bad NETTWIN_DIND_IMAGE, an engine that does not answer) in `cause`.
 */
export function errorText(error: unknown): string {
  const lines: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current) && lines.length < 5) {
    seen.add(current);
    const message = current instanceof Error ? current.message : String(current);
    lines.push(lines.length === 0 ? message : `  because: ${message}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines.join('\n');
}
