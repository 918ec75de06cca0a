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

/**
 * Where the ping runs: in an inner container's network namespace (its init's pid, when
 * known and still that container's, saves a `docker inspect`), in a namespace of the
 * host (a machine of its outside world), or on the host itself.
 */
export type PingPlace = { container: string; pid?: number; id?: string } | { namespace: string } | undefined;

/**
 * argv for the DinD host: `sh -c SCRIPT sh COUNT ADDRESS CONTAINER NAMESPACE PID ID`
 * (empty words where they do not apply). A container's ping is the host's ping in the
 * container's network namespace (nsenter): the same packets as one run by `docker
 * exec`, without the ~0.1 s that an exec into the container costs.
 */
export function earlyPingArgv(count: number, address: string, place: PingPlace): string[] {
  const settle = (PING_INTERVAL_SECONDS * (count - 1) + 0.1).toFixed(2);
  const ping = `ping -c "$n" -i ${PING_INTERVAL_SECONDS} -W 1 "$addr"`;
  const script = [
    'n="$1"; addr="$2"; c="$3"; ns="$4"; pid="$5"; id="$6"; out=$(mktemp)',
    // An IPv6 ping is dropped in ip6tables' tables.
    'save=iptables-save; case "$addr" in *:*) save=ip6tables-save ;; esac',
    'if [ -n "$c" ]; then',
    // A remembered pid counts only while it is still in that container's cgroup.
    '  if [ -z "$pid" ] || [ -z "$id" ] || ! grep -q "$id" "/proc/$pid/cgroup" 2>/dev/null; then',
    '    pid=$(docker inspect -f "{{.State.Pid}}" "$c") && [ "$pid" -gt 0 ] || { echo "container $c is not running" >&2; exit 2; }',
    '  fi',
    `  nsenter -t "$pid" -n ${ping} >"$out" 2>&1 &`,
    'elif [ -n "$ns" ]; then',
    `  ip netns exec "$ns" ${ping} >"$out" 2>&1 &`,
    'else',
    `  ${ping} >"$out" 2>&1 &`,
    'fi',
    'job=$!',
    `sleep ${settle}`,
    'while kill -0 "$job" 2>/dev/null; do',
    `  dropped=$("$save" -c | awk '${SUM_DROPS}')`,
    '  if [ "$dropped" -ge "$n" ] && ! grep -q "bytes from" "$out"; then',
    '    kill -INT "$job"',
    '    break',
    '  fi',
    '  sleep 0.05',
    'done',
    'wait "$job"; rc=$?',
    'cat "$out"; rm -f "$out"',
    'exit $rc',
  ].join('\n');
  const container = place && 'container' in place ? place : undefined;
  const namespace = place && 'namespace' in place ? place.namespace : '';
  return [
    'sh',
    '-c',
    script,
    'sh',
    String(count),
    address,
    container?.container ?? '',
    namespace,
    container?.pid ? String(container.pid) : '',
    container?.id ?? '',
  ];
}
