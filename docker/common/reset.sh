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
  # cgroup v1 without a cgroup namespace: the inner containers' cgroups would be the
  # host's siblings in the runner's tree and outlive it; below the host's own, they go
  # with it (runc removes a container's cgroup recursively).
  # In a cgroup namespace of its own (the capability fallback) the host's cgroup reads
  # "/": its containers go below it anyway, and nettwin-inner keeps them in one place.
  # An image committed from a running host may carry another host's file: write anew.
  rm -f "$STATE/cgroup-parent"
  own=$(awk -F: '$2 == "pids" { print $3 }' /proc/self/cgroup)
  if [ -n "$own" ]; then echo "${own%/}/nettwin-inner" >"$STATE/cgroup-parent"; fi
  sysctl -a 2>/dev/null | grep -E "$SYSCTLS" >"$STATE/sysctl"
  iptables-save | grep -v '^#' >"$STATE/iptables"
  # A host firewall's configuration as before dockerd: dockerd adds its zone and policy
  # to firewalld's permanent configuration, a scenario may add ports or ufw rules.
  for dir in $FIREWALL_CONFIG; do
    rm -rf "$STATE/etc/$dir"
    if [ -d "/etc/$dir" ]; then mkdir -p "$STATE/etc" && cp -a "/etc/$dir" "$STATE/etc/$dir"; fi
  done
}

# Where firewalld and ufw keep their configuration (below /etc).
FIREWALL_CONFIG='firewalld ufw'

# The host firewall the host started with, again, before dockerd: its configuration as
# recorded, and firewalld (killed with every other process) started anew on the empty
# ruleset. ufw has no process: the iptables-restore above gave back its rules.
restart_host_firewall() {
  for dir in $FIREWALL_CONFIG; do
    if [ -d "$STATE/etc/$dir" ]; then rm -rf "/etc/$dir" && cp -a "$STATE/etc/$dir" "/etc/$dir"; fi
  done
  if [ "${NETTWIN_HOST_FIREWALL:-}" = firewalld ]; then
    /usr/local/bin/nettwin-host-firewall start firewalld || fail "cannot start firewalld again"
  fi
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
  # No graceful stops: nothing of the daemon's state is kept. Its containerd dies with
  # it; the containers' processes, shims and proxies are killed here (docker rm -f of
  # each would cost a quarter of a second), then their mounts and state are dropped.
  stop_dockerd KILL
  kill_strays
  drop_container_state
  # Kernel: Docker's bridges (and every veth on them), rules, connections, neighbours.
  # All in one group, deleted by one request: the kernel then waits for its RCU grace
  # periods once for all of them, not once per link (half the time for 8 links). A veth
  # whose peer's namespace went first may be gone already (-force goes on).
  {
    ip -o link show type bridge | awk -F': ' '{ print "link set dev " $2 " group 4242" }'
    ip -o link show type veth | awk -F': ' '{ sub(/@.*/, "", $2); if ($2 != "eth0") print "link set dev " $2 " group 4242" }'
    echo "link del group 4242"
  } | ip -force -batch - 2>/dev/null
  # Every nf_tables table goes (iptables-nft's and ip6tables-nft's included): with
  # iptables-nft a built-in chain that exists counts its policy, and a fresh host has none.
  nft flush ruleset || fail "cannot flush the nf_tables ruleset"
  [ -s "$STATE/iptables" ] && iptables-restore <"$STATE/iptables"
  conntrack -F >/dev/null 2>&1
  ip neigh flush all >/dev/null 2>&1
  sysctl -q -p "$STATE/sysctl" >/dev/null 2>&1
  restart_host_firewall
  # dockerd may start now: what follows does not touch what it writes.
  start_dockerd
  # The machines outside get their pristine routes, caches and connections too.
  if [ -n "${NETTWIN_ETH0:-}" ]; then /usr/local/bin/nettwin-outside-world up || fail "cannot rebuild the outside world"; fi
  wait_dockerd
}

# Every process but PID 1, this reset and its callers, and nettwin's command sessions
# (/run/nettwin-agents, src/dind/host-agent.ts): a fresh host runs nothing else.
kill_strays() {
  keep=" 1 $$ "
  p=$$
  while [ "$p" -gt 1 ]; do
    p=$(sed 's/.*) //' "/proc/$p/stat" | cut -d' ' -f2) || break
    keep="$keep$p "
  done
  for a in /run/nettwin-agents/*; do [ -e "$a" ] && keep="$keep${a##*/} "; done
  for d in /proc/[0-9]*; do
    case "$keep" in *" ${d#/proc/} "*) continue ;; esac
    kill -KILL "${d#/proc/}" 2>/dev/null
  done
}

# What the daemon and its containers left: mounts (overlays, network namespaces), the
# run state, cgroups (below the host's own, see the entrypoint), and the data root back
# to the seeded store: containers' layers, networks, volumes, images made since go.
drop_container_state() {
  awk '$2 ~ "^/(var/lib/docker|run/docker)/" { print $2 }' /proc/self/mounts | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null; done
  rm -rf /run/docker
  parent=$(cat "$STATE/cgroup-parent" 2>/dev/null)
  if [ -n "$parent" ]; then
    # Depth first; a killed process may take a moment to leave its cgroup.
    i=0
    while [ -n "$(find /sys/fs/cgroup/*"$parent" -mindepth 1 -type d 2>/dev/null | head -1)" ]; do
      find /sys/fs/cgroup/*"$parent" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
      i=$((i + 1))
      [ "$i" -gt 500 ] && fail "container cgroups below $parent stay populated"
      sleep 0.01
    done
  fi
  cd /var/lib/docker || fail "no /var/lib/docker"
  for e in * .[!.]*; do
    case "$e" in image | overlay2 | '*' | '.[!.]*') ;; *) rm -rf "$e" ;; esac
  done
  if [ -d /var/lib/docker-seed ]; then
    rm -rf image && cp -a /var/lib/docker-seed/image image
    for e in overlay2/* overlay2/l/*; do
      [ -e "/var/lib/docker-seed/$e" ] || [ -L "/var/lib/docker-seed/$e" ] || rm -rf "$e"
    done
  fi
  cd / || exit 1
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
