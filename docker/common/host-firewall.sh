#!/bin/sh
# nettwin-host-firewall: start a host firewall framework that the image carries but never
# starts on its own. A plain host runs none of them and none writes a rule; a host asked
# for one (NETTWIN_HOST_FIREWALL, read by the entrypoint and by nettwin-reset) gets it
# started before dockerd, as a distribution's boot does, so that dockerd sees it.
#
# usage: nettwin-host-firewall start firewalld|ufw
#   firewalld: the system bus (dbus-daemon), then firewalld (its nftables backend, Debian's
#              default), waiting until `firewall-cmd --state` says "running". No systemd:
#              both run as plain processes below PID 1.
#   ufw:       `ufw --force enable` (ufw has no daemon: its rules are iptables rules).
set -u
fail() { echo "nettwin-host-firewall: $*" >&2; exit 1; }

start_firewalld() {
  command -v firewalld >/dev/null || fail "this image has no firewalld (rebuild it: npm run images)"
  mkdir -p /run/dbus
  # A reset killed the previous bus: its pid file would stop the new one.
  rm -f /run/dbus/pid /run/dbus/system_bus_socket
  dbus-uuidgen --ensure >/dev/null 2>&1
  dbus-daemon --system --fork </dev/null >/dev/null 2>&1 || fail "dbus-daemon --system did not start"
  firewalld --nofork --nopid </dev/null >>/var/log/firewalld.log 2>&1 &
  i=0
  until [ "$(firewall-cmd --state 2>/dev/null)" = running ]; do
    i=$((i + 1))
    if [ "$i" -gt 300 ]; then
      tail -n 20 /var/log/firewalld.log >&2
      fail "firewalld is not running after 60 s (its log above)"
    fi
    sleep 0.2
  done
}

start_ufw() {
  command -v ufw >/dev/null || fail "this image has no ufw (rebuild it: npm run images)"
  ufw --force enable >/dev/null || fail "ufw --force enable failed"
}

case "${1:-}:${2:-}" in
  start:firewalld) start_firewalld ;;
  start:ufw) start_ufw ;;
  *) echo "usage: $0 start firewalld|ufw" >&2; exit 2 ;;
esac
