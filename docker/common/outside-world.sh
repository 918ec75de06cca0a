#!/bin/sh
# The DinD host's outside world, built inside the host container: it runs with no
# network of the runner at all. A "LAN" namespace holds a plain Linux bridge (the
# switch); the host's eth0 and each outside machine hang on it by a veth pair:
#
#   host netns: eth0 192.168.70.6/24 ─┐
#   nettwin-client:   eth0 .9  ───────┤ nettwin-lan: bridge "lan" (no address, no route out)
#   nettwin-neighbour: eth0 .10 ──────┘
#
# The bridge lives in its own namespace so that LAN traffic never crosses the host's
# own netfilter hooks (br_netfilter would count it there). Nothing here reaches the
# runner: no test packet can leave the host container.
#
# usage: outside-world.sh up|down   (settings from NETTWIN_ETH0, NETTWIN_CLIENT,
#                                     NETTWIN_NEIGHBOUR)
set -eu
: "${NETTWIN_ETH0:?address/prefix of the host eth0, e.g. 192.168.70.6/24}"
prefix="${NETTWIN_ETH0#*/}"
LAN=nettwin-lan

down() {
  for ns in nettwin-client nettwin-neighbour "$LAN"; do ip netns del "$ns" 2>/dev/null || true; done
  ip link del eth0 2>/dev/null || true
}

# A new namespace reports its link-local multicast groups (IGMP, 40 bytes) for about a
# second after its links come up. Rebuilt during a reset, the outside world's reports
# would reach the host's eth0 and count on nat PREROUTING in the next scenario's first
# steps (seen on replayed-dump pings): the entrypoint silences the host, this the rest.
quiet() {
  ip netns exec "$1" sysctl -qw net.ipv4.igmp_link_local_mcast_reports=0
}

# A machine on the LAN: namespace $1 with eth0 at $2. No default route: the LAN leads nowhere.
machine() {
  ns="$1" address="$2" port="$3"
  ip netns add "$ns"
  quiet "$ns"
  ip -n "$ns" link add eth0 type veth peer name "$port" netns "$LAN"
  ip -n "$LAN" link set "$port" master lan up
  ip -n "$ns" addr add "$address/$prefix" dev eth0
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
  quickack "$ns"
}

# Every route of namespace $1 gets `quickack 1`: its clients ACK each segment at once,
# never after a delayed-ACK timer, so a conversation has the same packets every time;
# and a FIN timeout above 60 s, so that a socket that closed first answers its peer's
# FIN (src/dind/quickack.ts says why; it does the same for the host and its containers).
quickack() {
  ip netns exec "$1" sysctl -qw net.ipv4.tcp_fin_timeout=61
  for table in main local; do
    # Flags ip prints but does not take back ("linkdown" until the carrier is up).
    ip -n "$1" -4 route show table "$table" | sed -e 's/ linkdown//; s/ dead//' | while read -r route; do
      # shellcheck disable=SC2086 # the route's words are the selector and attributes
      ip -n "$1" route change table "$table" $route quickack 1 || exit 1
    done || return 1
  done
}

up() {
  down
  ip netns add "$LAN"
  quiet "$LAN"
  ip -n "$LAN" link add lan type bridge
  # No STP, no forwarding delay: a port forwards the moment it is up.
  # No multicast snooping: a snooping bridge joins 224.0.0.106 and reports it.
  ip -n "$LAN" link set lan type bridge stp_state 0 forward_delay 0 mcast_snooping 0
  ip -n "$LAN" link set lo up
  ip -n "$LAN" link set lan up
  ip link add eth0 type veth peer name host netns "$LAN"
  ip -n "$LAN" link set host master lan up
  ip addr add "$NETTWIN_ETH0" dev eth0
  ip link set eth0 up
  if [ -n "${NETTWIN_CLIENT:-}" ]; then machine nettwin-client "$NETTWIN_CLIENT" client; fi
  if [ -n "${NETTWIN_NEIGHBOUR:-}" ]; then machine nettwin-neighbour "$NETTWIN_NEIGHBOUR" neighbour; fi
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
