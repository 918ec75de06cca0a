# Shared helpers for the image recipes (sourced, not run). Every recipe builds a root
# file system with debootstrap, trims it, and imports it with `docker import`, because
# no container registry is reachable on our CI machines.
set -euo pipefail

: "${IMAGE:?IMAGE (the tag to build) must be set}"
: "${NETTWIN_LABELS:=}"
MIRROR="${NETTWIN_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CACHE="${NETTWIN_DEBOOTSTRAP_CACHE:-/var/cache/nettwin-debootstrap}"

WORK="$(mktemp -d /tmp/nettwin-image.XXXXXX)"
ROOT="$WORK/root"
cleanup_work() { rm -rf --one-file-system "$WORK"; }
trap cleanup_work EXIT

# debootstrap SUITE with the comma-separated package list into $ROOT.
bootstrap() {
  local suite="$1" packages="$2"
  mkdir -p "$CACHE/$suite"
  echo "recipe: debootstrap $suite (+ $packages)"
  debootstrap --variant=minbase --cache-dir="$CACHE/$suite" --include="$packages" "$suite" "$ROOT" "$MIRROR"
}

# Drop what a throwaway test image never reads: docs, man pages, locales, apt lists.
trim() {
  rm -rf "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* \
    "$ROOT"/usr/share/locale/* "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin \
    "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/log/*.log
}

# docker import $ROOT as $IMAGE; arguments are Dockerfile instructions (ENTRYPOINT …).
import_root() {
  local changes=(-c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
  local change
  for change in "$@"; do changes+=(-c "$change"); done
  local label
  for label in $NETTWIN_LABELS; do changes+=(-c "LABEL $label"); done
  echo "recipe: docker import as $IMAGE"
  tar --numeric-owner -C "$ROOT" -c . | docker import "${changes[@]}" - "$IMAGE"
}
