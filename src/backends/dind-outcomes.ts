/** What curl and netcat said, as the backend contract's outcomes. */
import type { ExecResult, RequestResult } from './backend.ts';

/** curl exit codes: 7 could not connect (refused or no route), 28 timed out. */
export function curlOutcome(r: ExecResult): RequestResult['outcome'] {
  if (r.exitCode === 0) return 'ok';
  if (r.exitCode === 28) return 'timeout';
  if (r.exitCode === 7)
    return /No route to host|Network is unreachable/i.test(r.stderr) ? 'unreachable' : 'refused';
  if (r.exitCode === 52 || r.exitCode === 56) return 'refused';
  throw new Error(`curl exited with ${r.exitCode}: ${r.stderr.trim()}`);
}

/** netcat-openbsd -v: "… failed: Connection refused" / "timed out". */
export function netcatOutcome(r: ExecResult): RequestResult['outcome'] {
  if (r.exitCode === 0) return 'ok';
  if (r.exitCode === 124) return 'timeout'; // timeout(1) ended it
  if (/refused/i.test(r.stderr)) return 'refused';
  if (/No route|unreachable/i.test(r.stderr)) return 'unreachable';
  if (/timed out|Operation now in progress/i.test(r.stderr)) return 'timeout';
  throw new Error(`nc exited with ${r.exitCode}: ${r.stderr.trim()}`);
}
