#!/bin/sh
# nettwin-reset: give a used DinD host back as a fresh one, with the same daemon. A
# reused host must be indistinguishable from a fresh host: Docker's IPAM remembers
# what it handed out (20.10 does not give a freed subnet back at once), so removing
# containers and networks is not enough; the daemon starts again from an empty
# network store, on a kernel state equal to the one recorded before its first start.
#
# usage: nettwin-reset record   (the entrypoint, before dockerd's first start)
#        nettwin-reset          (stop dockerd, restore, start dockerd, wait until ready)
#        nettwin-reset restart  (a plain daemon restart that keeps its state)
set -u
STATE=/run/nettwin-pristine
# Sysctls a scenario or dockerd may change (per network namespace); per-interface keys
# of interfaces that a reset deletes go with them.
SYSCTLS='^net\.(ipv4\.(ip_forward|ip_local_port_range|ping_group_range|tcp_|udp_|icmp_|igmp_|conf\.(all|default|eth0|lo)\.)|ipv6\.conf\.(all|default)\.(forwarding|disable_ipv6))'

record() {
  mkdir -p "$STATE"
  sysctl -a 2>/dev/null | grep -E "$SYSCTLS" >"$STATE/sysctl"
  iptables-save | grep -v '^#' >"$STATE/iptables"
}

fail() { echo "nettwin-reset: $*" >&2; exit 1; }

reset() {
  [ -d "$STATE" ] || fail "no pristine state recorded (not a nettwin host image?)"
  # A scenario that used iptables-legacy registered x_tables tables in this namespace;
  # nothing unregisters them, and their hook order against nf_tables' differs from a
  # fresh host's (the later registered runs first). Such a host cannot be made fresh.
  if command -v iptables-legacy-save >/dev/null 2>&1 && [ -n "$(iptables-legacy-save 2>/dev/null)" ]; then
    fail "iptables-legacy tables are registered; replace the host"
  fi
  # Containers first: dockerd would stop them with a grace period when it stops.
  ids=$(docker ps -aq 2>/dev/null)
  if [ -n "$ids" ]; then docker rm -f -v $ids >/dev/null 2>&1; fi
  # Nothing of its state is kept, so no graceful stop (that takes a second); its
  # containerd goes with it and the next dockerd starts its own.
  stop_dockerd KILL
  # The daemon's memory of networks, endpoints and addresses; images stay.
  rm -rf /var/lib/docker/network /var/lib/docker/containers /var/lib/docker/volumes /var/run/docker/netns
  # Kernel: Docker's bridges (and every veth on them), rules, connections, neighbours.
  for link in $(ip -o link show type bridge | awk -F': ' '{ print $2 }'); do ip link del "$link"; done
  for link in $(ip -o link show type veth | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
    [ "$link" = eth0 ] || ip link del "$link" 2>/dev/null
  done
  # Every nf_tables table goes (iptables-nft's and ip6tables-nft's included): with
  # iptables-nft a built-in chain that exists counts its policy, and a fresh host has none.
  nft flush ruleset || fail "cannot flush the nf_tables ruleset"
  [ -s "$STATE/iptables" ] && iptables-restore <"$STATE/iptables"
  conntrack -F >/dev/null 2>&1
  ip neigh flush all >/dev/null 2>&1
  sysctl -q -p "$STATE/sysctl" >/dev/null 2>&1
  # dockerd may start now: what follows does not touch what it writes.
  start_dockerd
  # The machines outside get their pristine routes, caches and connections too.
  if [ -n "${NETTWIN_ETH0:-}" ]; then /usr/local/bin/nettwin-outside-world up || fail "cannot rebuild the outside world"; fi
  wait_dockerd
}

# The entrypoint runs dockerd in a loop: a stop asks it to start dockerd again instead
# of ending the host, and waits until the entrypoint has seen the dockerd exit.
stop_dockerd() {
  rm -f /run/nettwin-dockerd-stopped
  touch /run/nettwin-restart
  pid=$(cat /run/nettwin-dockerd.pid 2>/dev/null) || fail "no dockerd pid file"
  kill "-$1" "$pid" 2>/dev/null || fail "no dockerd at pid $pid"
  i=0
  until [ -e /run/nettwin-dockerd-stopped ]; do
    i=$((i + 1)); [ "$i" -gt 3000 ] && fail "dockerd (pid $pid) did not stop within 30 s"
    sleep 0.01
  done
}

start_dockerd() { rm -f /run/nettwin-restart; }

wait_dockerd() {
  i=0
  until docker info >/dev/null 2>&1; do
    i=$((i + 1))
    if [ "$i" -gt 1500 ]; then
      tail -n 20 /var/log/dockerd.log >&2
      fail "dockerd did not come back within 30 s (its log above)"
    fi
    sleep 0.02
  done
}

# A daemon restart that keeps its state (`When the Docker daemon restarts`): SIGTERM,
# as systemd would stop it.
restart() {
  stop_dockerd TERM
  start_dockerd
  wait_dockerd
}

case "${1:-reset}" in
  record) record ;;
  reset) reset ;;
  restart) restart ;;
  *) echo "usage: $0 [record|reset|restart]" >&2; exit 2 ;;
esac
