# Shared DinD recipe (sourced by docker/dind-*/build.sh after SUITE and PACKAGES are set).
# Builds the base root file system, then seeds the inner image store with the workload
# image ($NETTWIN_WORKLOAD_IMAGE) so each fresh inner daemon has it without `docker load`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
: "${SUITE:?}" "${PACKAGES:?}"

# apt-get install PACKAGE… into $ROOT (chroot), without recommends. No service starts
# (policy-rc.d, no systemd); sid's Release file may be past its Valid-Until.
apt_install() {
  echo "recipe: apt-get install $*"
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  mount -t proc proc "$ROOT/proc"
  local apt=(chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get -q -o Acquire::Check-Valid-Until=false)
  local status=0
  "${apt[@]}" update && "${apt[@]}" install -y --no-install-recommends "$@" || status=$?
  umount "$ROOT/proc"
  rm -f "$ROOT/usr/sbin/policy-rc.d"
  return "$status"
}

bootstrap "$SUITE" "$PACKAGES"
# Host firewall frameworks and compose (EXTRA_PACKAGES) go in with apt, not debootstrap:
# firewalld depends on polkitd, which does not configure in debootstrap's second stage.
# shellcheck disable=SC2086 # a comma-separated list, split into words on purpose
if [[ -n "${EXTRA_PACKAGES:-}" ]]; then apt_install ${EXTRA_PACKAGES//,/ }; fi
trim
here="$(dirname "${BASH_SOURCE[0]}")"
install -m 0755 "$here/dind-entrypoint.sh" "$ROOT/usr/local/bin/nettwin-entrypoint"
install -m 0755 "$here/outside-world.sh" "$ROOT/usr/local/bin/nettwin-outside-world"
install -m 0755 "$here/reset.sh" "$ROOT/usr/local/bin/nettwin-reset"
install -m 0755 "$here/host-firewall.sh" "$ROOT/usr/local/bin/nettwin-host-firewall"
# Debian starts no services in a container; make sure no policy script blocks dockerd.
rm -f "$ROOT/usr/sbin/policy-rc.d"

BASE="${IMAGE%%:*}-base:${IMAGE##*:}"
ORIGINAL_IMAGE="$IMAGE"
IMAGE="$BASE" import_root 'ENTRYPOINT ["/usr/local/bin/nettwin-entrypoint"]'
IMAGE="$ORIGINAL_IMAGE"

if [[ -z "${NETTWIN_WORKLOAD_IMAGE:-}" ]]; then
  docker tag "$BASE" "$IMAGE"
  docker rmi "$BASE" >/dev/null
  exit 0
fi

echo "recipe: seeding $NETTWIN_WORKLOAD_IMAGE into the inner image store"
seed_labels=()
for label in $NETTWIN_LABELS; do seed_labels+=(--label "$label"); done
seed_name="nettwin-seed-$$-$RANDOM"
run_opts=(-d --name "$seed_name" "${seed_labels[@]}" --tmpfs /var/lib/docker:exec)
cleanup_seed() { docker rm -f "$seed_name" >/dev/null 2>&1 || true; docker rmi "$BASE" >/dev/null 2>&1 || true; cleanup_work; }
trap cleanup_seed EXIT
# Privileged first; where the bounding set lacks CAP_SYS_RESOURCE it fails, then the
# capability set that works there.
if ! docker run "${run_opts[@]}" --privileged "$BASE" >/dev/null 2>&1 || ! sleep 1 ||
  [[ "$(docker inspect -f '{{.State.Running}}' "$seed_name")" != true ]]; then
  docker rm -f "$seed_name" >/dev/null 2>&1 || true
  docker run "${run_opts[@]}" --cap-add ALL --cap-drop SYS_RESOURCE \
    --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
    --cgroupns private "$BASE" >/dev/null
fi
cid="$seed_name"
for _ in $(seq 1 300); do
  docker exec "$cid" docker info >/dev/null 2>&1 && break
  sleep 0.2
done
docker exec "$cid" docker info >/dev/null
docker save "$NETTWIN_WORKLOAD_IMAGE" | docker exec -i "$cid" docker load
# Stop the inner daemon cleanly, keep the container, copy its store into the image.
docker exec "$cid" sh -c '
  set -e
  touch /run/nettwin-hold
  kill -TERM "$(cat /var/run/docker.pid)"
  while [ -e /var/run/docker.pid ]; do sleep 0.1; done
  mkdir -p /var/lib/docker-seed
  cp -a /var/lib/docker/image /var/lib/docker/overlay2 /var/lib/docker-seed/
  rm -f /run/nettwin-hold /var/log/dockerd.log
'
docker commit "$cid" "$IMAGE" >/dev/null
echo "recipe: committed $IMAGE"
