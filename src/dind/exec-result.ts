/** Shell quoting for command lines shown in errors and run with `sh -c`. */
import { quote } from 'shell-quote';

export function commandText(command: string | string[]): string {
  return typeof command === 'string' ? command : quote(command);
}

export function toArgv(command: string | string[]): string[] {
  return typeof command === 'string' ? ['sh', '-c', command] : command;
}
