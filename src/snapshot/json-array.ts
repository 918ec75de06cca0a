/** A command's JSON output that must be an array (`ip -j …`, `docker inspect`); empty output is none. */
export function parseJsonArray<T = unknown>(text: string, what: string): T[] {
  let value: unknown;
  try {
    value = JSON.parse(text.trim() || '[]');
  } catch (error) {
    throw new Error(`${what} did not print JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value)) throw new Error(`${what} did not print a JSON array`);
  return value as T[];
}
