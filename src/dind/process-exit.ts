/**
 * A killed process is gone for the network only once it has closed its files. `kill -9`
 * returns at once; the process closes its sockets when it next runs, which on a loaded
 * runner can be after the next step started. A killed docker-proxy whose listening
 * socket is still open lets the kernel complete the next client's handshake and take
 * its request, then resets the connection when the socket closes: 6 packets, 406 bytes
 * on raw PREROUTING (SYN, SYN-ACK, ACK, GET, its ACK, RST) where a refusal counts 2 and
 * 100 (SYN, RST). Seen under --parallel 3 on Docker 28.5 (published-ports.feature,
 * "the host requests http://127.0.0.1:8080/" after "I kill docker-proxy"); reproduced
 * with a stopped listener killed after the client connected.
 *
 * A process has closed its files when it is a zombie (the kernel closes them before it
 * notifies the parent) or gone.
 */

/** Polls, seconds between polls and polls before giving up (exit 3). */
const POLL_SECONDS = 0.01;
const MAX_POLLS = 300;

/** argv for the DinD host: SIGKILL each pid, then wait until every one is a zombie or gone. */
export function killAndAwaitExitArgv(pids: readonly number[]): string[] {
  for (const pid of pids) {
    if (!Number.isSafeInteger(pid) || pid < 2) throw new Error(`not a process id to kill: ${pid}`);
  }
  return [
    'sh',
    '-c',
    [
      'kill -9 "$@" || exit 1',
      'i=0',
      'for p; do',
      // The state letter follows the command name's closing parenthesis in /proc/PID/stat.
      '  while s=$(sed "s/.*) //" "/proc/$p/stat" 2>/dev/null); do',
      '    case "$s" in Z*) break ;; esac',
      `    i=$((i + 1)); [ "$i" -ge ${MAX_POLLS} ] && exit 3`,
      `    sleep ${POLL_SECONDS}`,
      '  done',
      'done',
    ].join('\n'),
    'sh',
    ...pids.map(String),
  ];
}
