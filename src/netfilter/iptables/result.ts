/**
 * What one `iptables` invocation returns, and the messages iptables 1.8.9 (nf_tables)
 * prints: kernel-side failures as "iptables: <reason>." with exit 1 (nft_strerror),
 * command-line problems as "iptables v1.8.9 (nf_tables): <reason>" plus the help hint
 * with exit 2 (xtables_error PARAMETER_PROBLEM).
 */

import { echo } from '../echo.ts';

export interface IptablesResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export const IPTABLES_VERSION = 'v1.8.9 (nf_tables)';

export const ok = (stdout = ''): IptablesResult => ({ exitCode: 0, stdout, stderr: '' });

/** A failure reported by the kernel side: "iptables: Chain already exists." (exit 1). */
export const failure = (reason: string): IptablesResult => ({
  exitCode: 1,
  stdout: '',
  stderr: `iptables: ${reason}.\n`,
});

/** A bad command line: the version banner, the reason and the help hint (exit 2). */
export const parameterProblem = (reason: string): IptablesResult => ({
  exitCode: 2,
  stdout: '',
  stderr: `iptables ${IPTABLES_VERSION}: ${reason}\nTry \`iptables -h' or 'iptables --help' for more information.\n`,
});

/** Kernel-side reasons, spelled as iptables prints them. */
export const REASON = {
  noChain: 'No chain/target/match by that name',
  badRule: 'Bad rule (does a matching rule exist in that chain?)',
  chainExists: 'Chain already exists',
  notEmpty: 'Directory not empty',
  referenced: 'Too many links',
  deleteTooBig: 'Index of deletion too big',
  insertTooBig: 'Index of insertion too big',
  replaceTooBig: 'Index of replacement too big',
  counterTooBig: 'Index of counter too big',
  badBuiltin: 'Bad built-in chain name',
  badPolicy: 'Bad policy name',
  fileExists: 'File exists',
  /** x_tables' ELOOP (iptables-legacy; nft answers EMLINK, see run.ts). */
  loop: 'Too many levels of symbolic links',
} as const;

/**
 * A failed line of an iptables script: names the command and carries what iptables said.
 * The message echoes both cut and with control characters escaped (`echo`).
 */
export class IptablesError extends Error {
  readonly command: string;
  readonly exitCode: number;
  readonly stderr: string;
  readonly stdout: string;
  /** 1-based index of the line in the script, when run from one. */
  readonly line: number | undefined;

  constructor(command: string, result: IptablesResult, line?: number) {
    const where = line === undefined ? '' : ` (line ${line})`;
    const said = result.stderr
      .trimEnd()
      .split('\n')
      .slice(0, 4)
      .map((l) => echo(l, 400));
    super(
      `iptables command failed with exit code ${result.exitCode}${where}: ${echo(command)}\n${said.join('\n')}`,
    );
    this.name = 'IptablesError';
    this.command = command;
    this.exitCode = result.exitCode;
    this.stderr = result.stderr;
    this.stdout = result.stdout;
    this.line = line;
  }
}
