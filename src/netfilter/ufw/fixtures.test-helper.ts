/**
 * Reads a ufw recording (fixtures/ufw/<version>/<sequence>.txt): for each command run on
 * a real DinD host, its exit code, stdout, stderr and the `iptables-save` after it.
 */
import { readFileSync } from 'node:fs';

export interface UfwRecordedStep {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  save: string;
}

export function readUfwRecording(path: string): UfwRecordedStep[] {
  const steps: UfwRecordedStep[] = [];
  let current: UfwRecordedStep | undefined;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const save: string[] = [];
  const flush = () => {
    if (!current) return;
    current.stdout = stdout.map((l) => `${l}\n`).join('');
    current.stderr = stderr.map((l) => `${l}\n`).join('');
    current.save = save.map((l) => `${l}\n`).join('');
    steps.push(current);
    stdout.length = 0;
    stderr.length = 0;
    save.length = 0;
  };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('### STEP ')) {
      flush();
      current = { command: line.slice('### STEP '.length), exitCode: 0, stdout: '', stderr: '', save: '' };
    } else if (line.startsWith('# exit ')) {
      if (current) current.exitCode = Number(line.slice('# exit '.length));
    } else if (line.startsWith('# stdout: ')) stdout.push(line.slice('# stdout: '.length));
    else if (line.startsWith('# stderr: ')) stderr.push(line.slice('# stderr: '.length));
    else if (line !== '') save.push(line);
  }
  flush();
  return steps;
}
