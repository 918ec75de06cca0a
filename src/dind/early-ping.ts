/**
 * A ping that stops as soon as the host's counters show every request dropped, so a
 * "ping fails" step does not wait out ping's reply timeout. The script runs in the
 * DinD host's shell (where the counters are), with the ping in a container or on the
 * host itself. It stops early only when DROP rules and DROP policies together have
 * counted at least one packet per request and no reply has arrived: then none can
 * come. Its output is ping's own, statistics included (ping prints them on SIGINT).
 */

/** Seconds between requests (root may go below ping's default 1 s). */
export const PING_INTERVAL_SECONDS = 0.2;

/** ping's argv as every ping of ours runs it: `count` requests, 1 s for the last reply. */
export function pingArgv(count: number, target: string): string[] {
  return ['ping', '-c', String(count), '-i', String(PING_INTERVAL_SECONDS), '-W', '1', target];
}

/** The sum of DROP counters in `iptables-save -c` output, as an awk program. */
export const SUM_DROPS = [
  '/^\\[/ && / -j DROP( |$)/ { split(substr($1, 2), a, ":"); s += a[1] }',
  '/^:[^ ]+ DROP \\[/ { split(substr($3, 2), a, ":"); s += a[1] }',
  'END { print s + 0 }',
].join(' ');

/** Where the ping runs: in an inner container, in a namespace of the host (a machine
 * of its outside world), or on the host itself. */
export type PingPlace = { container: string } | { namespace: string } | undefined;

/**
 * argv for the DinD host: `sh -c SCRIPT sh COUNT ADDRESS CONTAINER NAMESPACE` (both
 * empty for a ping from the host itself).
 */
export function earlyPingArgv(count: number, address: string, place: PingPlace): string[] {
  const settle = (PING_INTERVAL_SECONDS * (count - 1) + 0.1).toFixed(2);
  const ping = `ping -c "$1" -i ${PING_INTERVAL_SECONDS} -W 1 "$2"`;
  const script = [
    'n="$1"; addr="$2"; c="$3"; ns="$4"; out=$(mktemp)',
    'if [ -n "$c" ]; then',
    `  docker exec "$c" sh -c '${ping} & echo $! >/tmp/.nettwin-ping; wait $!' sh "$n" "$addr" >"$out" 2>&1 &`,
    'elif [ -n "$ns" ]; then',
    `  ip netns exec "$ns" ping -c "$n" -i ${PING_INTERVAL_SECONDS} -W 1 "$addr" >"$out" 2>&1 &`,
    'else',
    `  ping -c "$n" -i ${PING_INTERVAL_SECONDS} -W 1 "$addr" >"$out" 2>&1 &`,
    'fi',
    'job=$!',
    `sleep ${settle}`,
    'while kill -0 "$job" 2>/dev/null; do',
    `  dropped=$(iptables-save -c | awk '${SUM_DROPS}')`,
    '  if [ "$dropped" -ge "$n" ] && ! grep -q "bytes from" "$out"; then',
    '    if [ -n "$c" ]; then docker exec "$c" sh -c \'kill -INT "$(cat /tmp/.nettwin-ping)"\'; else kill -INT "$job"; fi',
    '    break',
    '  fi',
    '  sleep 0.05',
    'done',
    'wait "$job"; rc=$?',
    'cat "$out"; rm -f "$out"',
    'exit $rc',
  ].join('\n');
  const container = place && 'container' in place ? place.container : '';
  const namespace = place && 'namespace' in place ? place.namespace : '';
  return ['sh', '-c', script, 'sh', String(count), address, container, namespace];
}
