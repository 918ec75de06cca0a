/**
 * Reads the cucumber message stream of one run (messages.ndjson, one envelope a line, as
 * cucumber's `message` formatter writes it). Anything that is not such a stream is an
 * error naming the file and the line: the usual cause is a shard's job stopped while
 * writing, or an artifact that holds the reports one directory deeper.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Envelope } from '@cucumber/messages';

export const MESSAGES_FILE = 'messages.ndjson';

/** A messages file that cannot be read or is not a message stream; `line` is 1-based. */
export class MessagesFileError extends Error {
  override name = 'MessagesFileError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(`${line === undefined ? file : `${file}:${line}`}: ${reason}`);
  }
}

/** The envelopes of an NDJSON text; `file` names it in errors. Blank lines are skipped. */
export function parseMessages(text: string, file: string): Envelope[] {
  const lines = text.split('\n');
  const envelopes: Envelope[] = [];
  const lastLine = lines.findLastIndex((l) => l.trim() !== '');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const last = index === lastLine;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      const what = last
        ? 'the last line is cut short (the run stopped while writing it?)'
        : 'this line is not JSON';
      throw new MessagesFileError(
        file,
        index + 1,
        `${what}: ${(cause as Error).message}; run that shard again, or leave its directory out of the merge`,
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new MessagesFileError(
        file,
        index + 1,
        `not a cucumber message (a JSON object per line, such as {"meta":…}); is this the file of the message formatter?`,
      );
    }
    envelopes.push(value as Envelope);
  });
  if (envelopes.length === 0) {
    throw new MessagesFileError(file, undefined, 'holds no cucumber message: that run wrote nothing');
  }
  return envelopes;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * The messages file of a reports directory (`nettwin run --reports DIR`), or the file
 * itself when given one, as a path like the one given (relative to `cwd` if it was). A
 * directory without it gets an error that points at a subdirectory holding one.
 */
export async function findMessagesFile(dirOrFile: string, cwd = process.cwd()): Promise<string> {
  const at = (p: string) => path.resolve(cwd, p);
  let stats: Awaited<ReturnType<typeof stat>>;
  try {
    stats = await stat(at(dirOrFile));
  } catch {
    throw new MessagesFileError(
      dirOrFile,
      undefined,
      `no such directory; expected the --reports directory of a \`nettwin run\` (it holds ${MESSAGES_FILE})`,
    );
  }
  if (stats.isFile()) return dirOrFile;
  const file = path.join(dirOrFile, MESSAGES_FILE);
  if (await isFile(at(file))) return file;
  const deeper: string[] = [];
  for (const entry of await readdir(at(dirOrFile), { withFileTypes: true })) {
    const candidate = path.join(dirOrFile, entry.name, MESSAGES_FILE);
    if (entry.isDirectory() && (await isFile(at(candidate)))) deeper.push(candidate);
  }
  const hint =
    deeper.length === 1
      ? ` (there is ${deeper[0]}: pass ${path.dirname(deeper[0] as string)})`
      : deeper.length > 1
        ? ` (its subdirectories hold ${deeper.length}: pass those directories)`
        : '';
  throw new MessagesFileError(
    file,
    undefined,
    `not found; \`nettwin run --reports DIR\` writes it in DIR${hint}`,
  );
}

/** The envelopes of a reports directory (or of a messages file); `file` is the one read. */
export async function readMessages(
  dirOrFile: string,
  cwd = process.cwd(),
): Promise<{ file: string; envelopes: Envelope[] }> {
  const file = await findMessagesFile(dirOrFile, cwd);
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (cause) {
    throw new MessagesFileError(file, undefined, `cannot be read: ${(cause as Error).message}`);
  }
  return { file, envelopes: parseMessages(text, file) };
}
