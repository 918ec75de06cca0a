#!/bin/sh
# PID 1 of a nettwin DinD host: prepare the kernel views dockerd needs, seed the
# image store, start dockerd with $NETTWIN_DOCKERD_OPTS, and stay up while it runs.
set -u
log() { echo "nettwin-entrypoint: $*" >&2; }

# Docker mounts /proc/sys read-only in unprivileged containers; the scenarios flip
# net.ipv4.ip_forward, so make it writable (this only affects our own netns).
mount -o remount,rw /proc/sys 2>/dev/null || log "/proc/sys stays read-only"

# Every new bridge sends IGMP reports for the link-local group 224.0.0.106 during its
# first second; they count on filter OUTPUT and make exact counter deltas flaky.
sysctl -qw net.ipv4.igmp_link_local_mcast_reports=0 2>/dev/null || log "cannot silence link-local IGMP reports"

# dockerd needs cgroups; with the capability fallback /sys/fs/cgroup is bind-mounted,
# otherwise mount the v1 hierarchies ourselves.
if [ ! -e /sys/fs/cgroup/cgroup.controllers ] && [ -z "$(ls -A /sys/fs/cgroup 2>/dev/null)" ]; then
  mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup
  for subsys in $(awk 'NR > 1 && $4 == 1 { print $1 }' /proc/cgroups); do
    mkdir -p "/sys/fs/cgroup/$subsys"
    mount -t cgroup -o "$subsys" cgroup "/sys/fs/cgroup/$subsys" 2>/dev/null || rmdir "/sys/fs/cgroup/$subsys"
  done
fi

# /var/lib/docker is a fresh tmpfs; a copy of the pre-seeded store (the workload image)
# is far cheaper than `docker load` of the same image.
if [ -d /var/lib/docker-seed ] && [ -z "$(ls -A /var/lib/docker 2>/dev/null)" ]; then
  cp -a /var/lib/docker-seed/. /var/lib/docker/
fi

# shellcheck disable=SC2086 # options are words on purpose
dockerd ${NETTWIN_DOCKERD_OPTS:-} >/var/log/dockerd.log 2>&1 &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid"; exit 0' TERM INT

i=0
until docker info >/dev/null 2>&1; do
  if ! kill -0 "$pid" 2>/dev/null; then
    log "dockerd exited during start-up:"; tail -n 20 /var/log/dockerd.log >&2; exit 1
  fi
  i=$((i + 1))
  if [ "$i" -gt 600 ]; then log "dockerd not ready after 60 s"; exit 1; fi
  sleep 0.1
done
log "dockerd ready"

wait "$pid"
status=$?
# The image build stops dockerd to snapshot its store and needs the container to stay.
while [ -e /run/nettwin-hold ]; do sleep 1; done
log "dockerd exited with status $status"
exit "$status"
