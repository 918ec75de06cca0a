/**
 * ACKs that do not depend on timers. Linux delays an ACK (40 ms and more) once a
 * connection looks interactive, so whether an ACK goes alone or rides on the next
 * segment depends on how fast the program answers: counters then differ by a packet
 * from run to run. The route attribute `quickack 1` makes the kernel ACK every received
 * segment at once, in the softirq that received it. It is a property of the route a
 * socket uses, so every route of every namespace that holds a client or a server gets
 * it: the outside machines (docker/common/outside-world.sh), each container (right after
 * it starts), and the host's own namespace, where docker-proxy and the host's requests
 * live (after Docker adds a bridge, since the kernel adds its routes without it).
 *
 * Only routing changes: no packet is sent, no rule is written, so rulesets and counters
 * stay Docker's. The model predicts the conversation this gives (FlowSpec.quickAck).
 *
 * The same namespaces get `net.ipv4.tcp_fin_timeout` above 60 s. With the default, a
 * socket that closed first turns into a lighter time-wait object the moment its FIN is
 * ACKed; a peer's FIN that arrives during that hand-over (tens of microseconds, longer
 * on a loaded runner) is dropped unanswered and sent again 200 ms later: 12 packets for
 * an 11-packet GET, 8 times in 300 under load, none in 300 with the setting. Above
 * 60 s the closed socket stays whole until the peer's FIN, and the packets are the same.
 */

/** Above TCP_TIMEWAIT_LEN (60 s): see above. */
export const TCP_FIN_TIMEOUT_SECONDS = 61;

/**
 * sh that adds `quickack 1` to every IPv4 route of the current namespace, the local
 * table too (a host talking to its own addresses, 127.0.0.1 included, routes there), and
 * to its IPv6 unicast routes (without them a container answering over IPv6 delays its
 * ACKs: one packet fewer than predicted, measured on 28.5).
 * Routes only: run again whenever routes may have appeared, it leaves sysctls (a
 * scenario's own included) alone.
 */
export const QUICKACK_ROUTES_SCRIPT = [
  'quickack_failed=0',
  'for table in main local; do',
  // Flags ip prints but does not take back (a bridge without ports is "linkdown").
  '  ip -4 route show table "$table" | sed -e "s/ linkdown//; s/ dead//" | {',
  '    failed=0',
  '    while read -r route; do',
  '      case "$route" in *quickack*) continue ;; esac',
  // $route unquoted on purpose: its words are the route's selector and attributes. A
  // route it cannot restate (a multipath route spans lines) fails alone: the rest go on.
  '      ip route change table "$table" $route quickack 1 || failed=1',
  '    done',
  '    exit $failed',
  '  } || quickack_failed=1',
  'done',
  // IPv6: the main table's unicast routes, one per prefix on nettwin's hosts. Not fe80::/64
  // nor ff00::/8, held once per interface: `ip -6 route change` finds a route by prefix and
  // metric, not by device, and would move another interface's route. Not the local table
  // either: its routes print `metric 0`, which ip -6 reads as "the default metric" and then
  // finds nothing; only a host talking to its own IPv6 addresses would use them.
  'ip -6 route show table main 2>/dev/null | sed -e "s/ linkdown//; s/ dead//" | {',
  '  failed=0',
  '  while read -r route; do',
  '    case "$route" in *quickack*|fe80::*|multicast*|anycast*|unreachable*) continue ;; esac',
  '    ip -6 route change table main $route quickack 1 || failed=1',
  '  done',
  '  exit $failed',
  '} || quickack_failed=1',
  '[ "$quickack_failed" = 0 ] || exit 1',
].join('\n');

/** sh for a namespace new to nettwin: the FIN timeout (see above), then quickack routes. */
export const DETERMINISTIC_TCP_SCRIPT = `sysctl -qw net.ipv4.tcp_fin_timeout=${TCP_FIN_TIMEOUT_SECONDS} || exit 1\n${QUICKACK_ROUTES_SCRIPT}`;

/** argv for the DinD host, once it is acquired: deterministic TCP in its own namespace. */
export function hostDeterministicTcpArgv(): string[] {
  return ['sh', '-c', DETERMINISTIC_TCP_SCRIPT];
}

/** argv for the DinD host: quick ACKs on every route of its own namespace (after routes changed). */
export function hostQuickAckArgv(): string[] {
  return ['sh', '-c', QUICKACK_ROUTES_SCRIPT];
}

/**
 * argv for the DinD host: quick ACKs on every route of container `name` (entered with
 * nsenter through its init's pid: the container itself may lack CAP_NET_ADMIN), then
 * `then` (a shell snippet run in the same namespace, e.g. waiting for its servers).
 * Prints the pid first: later commands enter the namespace with it.
 */
export function containerQuickAckArgv(name: string, then = ''): string[] {
  const inside = then ? `${DETERMINISTIC_TCP_SCRIPT}\n${then}` : DETERMINISTIC_TCP_SCRIPT;
  return [
    'sh',
    '-c',
    'pid=$(docker inspect -f "{{.State.Pid}}" "$1") && [ "$pid" -gt 0 ] && echo "$pid" && exec nsenter -t "$pid" -n sh -c "$2"',
    'sh',
    name,
    inside,
  ];
}
