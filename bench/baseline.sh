#!/usr/bin/env bash
# The bench's baseline: the same work as nettwin's DinD rows, done by hand with the
# docker CLI, so the table shows what nettwin's layers cost on top. Prints
# "<row> <seconds>" lines: fresh host, ping step, request step. Removes what it made.
set -euo pipefail
IMAGE="$1" WORKLOAD="$2"
name="nettwin-bench-baseline-$$"
trap 'docker rm -f "$name" >/dev/null 2>&1 || true' EXIT
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

t=$(now)
docker run -d --name "$name" --network none --cap-add ALL --cap-drop SYS_RESOURCE \
  --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
  -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /var/lib/docker:rw,exec \
  -e NETTWIN_ETH0=192.168.70.6/24 -e NETTWIN_CLIENT=192.168.70.9 -e NETTWIN_NEIGHBOUR=192.168.70.10 \
  -e "NETTWIN_DOCKERD_OPTS=--dns 192.168.70.6" "$IMAGE" >/dev/null
until docker exec "$name" docker info >/dev/null 2>&1; do sleep 0.05; done
echo "fresh $(since "$t")"

docker exec "$name" docker run -d --name bench-a "$WORKLOAD" sleep infinity >/dev/null
docker exec "$name" docker run -d --name bench-b "$WORKLOAD" sleep infinity >/dev/null
b=$(docker exec "$name" docker inspect -f "{{.NetworkSettings.IPAddress}}" bench-b)
t=$(now)
docker exec "$name" sh -c 'iptables -Z; iptables -t nat -Z'
docker exec "$name" docker exec bench-a ping -c 3 -i 0.2 -W 1 "$b" >/dev/null
docker exec "$name" iptables-save -c >/dev/null
echo "ping $(since "$t")"

docker exec "$name" docker run -d --name web -p 8080:80 "$WORKLOAD" \
  sh -c 'mkdir -p /www; echo hello > /www/index.html; exec busybox httpd -f -p 80 -h /www' >/dev/null
sleep 0.3
t=$(now)
docker exec "$name" sh -c 'iptables -Z; iptables -t nat -Z'
docker exec "$name" ip netns exec nettwin-client curl -sS -m 3 http://192.168.70.6:8080/ >/dev/null
docker exec "$name" iptables-save -c >/dev/null
echo "request $(since "$t")"
