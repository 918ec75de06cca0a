/**
 * Splits one script line into commands of words with shell quoting (shell-quote):
 * `a; b && c` gives three commands, `# …` ends the line, `$(pidof docker-proxy)` stays one
 * word. Pipes and redirections are refused: a docker script is a list of commands.
 */
import { parse } from 'shell-quote';

export class ShellWordsError extends Error {
  constructor(
    readonly token: string,
    message: string,
  ) {
    super(message);
    this.name = 'ShellWordsError';
  }
}

export function splitCommands(line: string): string[][] {
  const tokens = parse(line, (key) => `$${key}`);
  const commands: string[][] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) commands.push(current);
    current = [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (typeof t === 'string') {
      const next = tokens[i + 1];
      if (t === '$' && typeof next === 'object' && next !== null && 'op' in next && next.op === '(') {
        const inner: string[] = [];
        i += 2;
        while (i < tokens.length) {
          const u = tokens[i];
          if (typeof u === 'object' && u !== null && 'op' in u && u.op === ')') break;
          inner.push(typeof u === 'string' ? u : JSON.stringify(u));
          i++;
        }
        current.push(`$(${inner.join(' ')})`);
        continue;
      }
      current.push(t);
      continue;
    }
    if (t && typeof t === 'object' && 'comment' in t) break;
    if (t && typeof t === 'object' && 'op' in t) {
      if (t.op === ';' || t.op === '&&' || t.op === '||') {
        flush();
        continue;
      }
      throw new ShellWordsError(
        String(t.op),
        `shell operator "${t.op}" is not supported: write one command per line`,
      );
    }
    throw new ShellWordsError(JSON.stringify(t), 'glob patterns are not supported in docker scripts');
  }
  flush();
  return commands;
}
