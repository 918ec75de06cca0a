/**
 * A TCP conversation is over for the host's counters only when its last packets have
 * crossed the host's hooks. The client program may exit before that: its FIN, and the
 * peer's last ACK, can still wait in a CPU's backlog (a loaded runner defers softirq
 * work to ksoftirqd). Read then, a step misses those packets and the next step counts
 * them (seen: 10 and 13 packets for an 11-packet GET, 4 in 250 under load). Conntrack
 * tells when they crossed: every entry of the conversation leaves the open and closing
 * states once the last ACK has passed.
 */

/** Conntrack TCP states of a conversation with packets still to come. */
export const OPEN_TCP_STATES = ['SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK'];

/** Polls, seconds between polls, and polls before giving up (then the counters tell). */
const POLL_SECONDS = 0.01;
const MAX_POLLS = 300;

/**
 * argv for the DinD host: wait until no TCP entry of its conntrack table is in an open
 * state; exit 3 after ~3 s. All entries, not one port's: behind a published port,
 * docker-proxy holds a second connection to the container.
 */
export function tcpSettleArgv(): string[] {
  const states = OPEN_TCP_STATES.join('|');
  return [
    'sh',
    '-c',
    [
      'i=0',
      `while conntrack -L -p tcp 2>/dev/null | grep -Eq " (${states}) "; do`,
      `  i=$((i + 1)); [ "$i" -ge ${MAX_POLLS} ] && exit 3`,
      `  sleep ${POLL_SECONDS}`,
      'done',
    ].join('\n'),
  ];
}
