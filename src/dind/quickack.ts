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
 */

/**
 * sh that adds `quickack 1` to every IPv4 route of the current namespace, the local
 * table too (a host talking to its own addresses, 127.0.0.1 included, routes there).
 */
export const QUICKACK_ROUTES_SCRIPT = [
  'for table in main local; do',
  // Flags ip prints but does not take back (a bridge without ports is "linkdown").
  '  ip -4 route show table "$table" | sed -e "s/ linkdown//; s/ dead//" | while read -r route; do',
  '    case "$route" in *quickack*) continue ;; esac',
  // $route unquoted on purpose: its words are the route's selector and attributes.
  '    ip route change table "$table" $route quickack 1 || exit 1',
  '  done || exit 1',
  'done',
].join('\n');

/** argv for the DinD host: quick ACKs on every route of its own namespace. */
export function hostQuickAckArgv(): string[] {
  return ['sh', '-c', QUICKACK_ROUTES_SCRIPT];
}

/**
 * argv for the DinD host: quick ACKs on every route of container `name` (entered with
 * nsenter through its init's pid: the container itself may lack CAP_NET_ADMIN), then
 * `then` (a shell snippet run in the same namespace, e.g. waiting for its servers).
 */
export function containerQuickAckArgv(name: string, then = ''): string[] {
  const inside = then ? `${QUICKACK_ROUTES_SCRIPT}\n${then}` : QUICKACK_ROUTES_SCRIPT;
  return [
    'sh',
    '-c',
    'pid=$(docker inspect -f "{{.State.Pid}}" "$1") && [ "$pid" -gt 0 ] && exec nsenter -t "$pid" -n sh -c "$2"',
    'sh',
    name,
    inside,
  ];
}
