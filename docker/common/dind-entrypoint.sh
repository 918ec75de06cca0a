#!/bin/sh
# PID 1 of a nettwin DinD host: prepare the kernel views dockerd needs, build the
# host's outside world, record the pristine state that nettwin-reset returns to, seed
# the image store, and keep dockerd running (nettwin-reset restarts it).
set -u
log() { echo "nettwin-entrypoint: $*" >&2; }

# Docker mounts /proc/sys read-only in unprivileged containers; the scenarios flip
# net.ipv4.ip_forward, so make it writable (this only affects our own netns).
mount -o remount,rw /proc/sys 2>/dev/null || log "/proc/sys stays read-only"

# Every new bridge sends IGMP reports for the link-local group 224.0.0.106 during its
# first second; they count on filter OUTPUT and make exact counter deltas flaky.
sysctl -qw net.ipv4.igmp_link_local_mcast_reports=0 2>/dev/null || log "cannot silence link-local IGMP reports"

# dockerd needs cgroups it can write. Where none are mounted, mount the v1 hierarchies.
if [ ! -e /sys/fs/cgroup/cgroup.controllers ] && [ -z "$(ls -A /sys/fs/cgroup 2>/dev/null)" ]; then
  mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup
  for subsys in $(awk 'NR > 1 && $4 == 1 { print $1 }' /proc/cgroups); do
    mkdir -p "/sys/fs/cgroup/$subsys"
    mount -t cgroup -o "$subsys" cgroup "/sys/fs/cgroup/$subsys" 2>/dev/null || rmdir "/sys/fs/cgroup/$subsys"
  done
fi
# The capability fallback (src/dind/start-strategies.ts) runs the host in a cgroup
# namespace of its own, where Docker mounts the host's own cgroup, read-only: writable,
# it lets dockerd make its containers' cgroups below the host's, and nothing of the
# runner's cgroup tree is in reach (no bind mount of the runner's /sys/fs/cgroup).
awk '($3 == "cgroup" || $3 == "cgroup2") && $4 ~ /^ro(,|$)/ { print $2 }' /proc/self/mounts | while read -r m; do
  mount -o remount,bind,rw "$m" 2>/dev/null || log "cgroup $m stays read-only"
done

# A host started with no network of the runner gets its eth0 and the machines around
# it from here (NETTWIN_ETH0 set); the image build's seeding container has Docker's eth0.
if [ -n "${NETTWIN_ETH0:-}" ]; then
  /usr/local/bin/nettwin-outside-world up || { log "cannot build the outside world"; exit 1; }
fi

# A host firewall framework (firewalld, ufw) runs only where a scenario asked for it
# (NETTWIN_HOST_FIREWALL), and starts before dockerd as at boot, so that dockerd finds it.
if [ -n "${NETTWIN_HOST_FIREWALL:-}" ]; then
  /usr/local/bin/nettwin-host-firewall start "$NETTWIN_HOST_FIREWALL" || { log "cannot start $NETTWIN_HOST_FIREWALL"; exit 1; }
fi

# What a fresh host looks like before dockerd touches it: nettwin-reset restores it.
/usr/local/bin/nettwin-reset record

# /var/lib/docker is a fresh tmpfs; a copy of the pre-seeded store (the workload image)
# is far cheaper than `docker load` of the same image.
if [ -d /var/lib/docker-seed ] && [ -z "$(ls -A /var/lib/docker 2>/dev/null)" ]; then
  cp -a /var/lib/docker-seed/. /var/lib/docker/
fi

# Inner containers' cgroups below the host's own (recorded by nettwin-reset record).
opts=${NETTWIN_DOCKERD_OPTS:-}
if [ -s /run/nettwin-pristine/cgroup-parent ]; then
  case " $opts" in *" --cgroup-parent"*) ;; *) opts="$opts --cgroup-parent=$(cat /run/nettwin-pristine/cgroup-parent)" ;; esac
fi

pid=
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid"; exit 0' TERM INT

while :; do
  # shellcheck disable=SC2086 # options are words on purpose
  dockerd $opts >>/var/log/dockerd.log 2>&1 &
  pid=$!
  echo "$pid" >/run/nettwin-dockerd.pid
  wait "$pid"
  status=$?
  # nettwin-reset stops dockerd on purpose and says when to start it again. It waits for
  # our word that we saw its request: it may not take the request back before that, or
  # this loop would read a dockerd that exited on its own and end the host.
  if [ -e /run/nettwin-restart ]; then
    touch /run/nettwin-dockerd-stopped
    while [ -e /run/nettwin-restart ]; do sleep 0.02; done
    rm -f /run/nettwin-dockerd-stopped
    continue
  fi
  # The image build stops dockerd to snapshot its store and needs the container to stay.
  while [ -e /run/nettwin-hold ]; do sleep 1; done
  log "dockerd exited with status $status; last lines:"
  tail -n 20 /var/log/dockerd.log >&2
  exit "$status"
done
