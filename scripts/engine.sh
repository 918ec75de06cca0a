#!/usr/bin/env bash
# Make sure a Docker engine answers. Installs docker.io/iptables/debootstrap when
# missing and starts dockerd in the background. Records in $NETTWIN_ENGINE_STATE
# whether this script started the engine, so `engine.sh stop` stops only that one, and
# the runner's iptables from before it started (firewall-before/), which `stop` puts
# back once dockerd is gone: dockerd leaves its chains and FORWARD DROP behind.
#
# usage: engine.sh [start]   a Docker engine answers afterwards (exit 0) or it says why
#        engine.sh stop      stop the dockerd this script started; restore the firewall
#        engine.sh check     after stop: exit 1 and print what differs when the runner's
#                            iptables are not as before the engine started; 3 when
#                            nothing was saved (the engine was not started here)
set -euo pipefail

STATE_DIR="${NETTWIN_ENGINE_STATE:-/tmp/nettwin-engine}"
LOG="$STATE_DIR/dockerd.log"
FIREWALL="$STATE_DIR/firewall-before"
mkdir -p "$STATE_DIR"
# shellcheck source=scripts/runner-firewall.sh
source "$(dirname "${BASH_SOURCE[0]}")/runner-firewall.sh"

engine_answers() { timeout 5 docker info >/dev/null 2>&1; }

stop_engine() {
  if [[ -f "$STATE_DIR/started-pid" ]]; then
    local pid
    pid="$(cat "$STATE_DIR/started-pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      # A dockerd still running would write its rules again after the restore.
      if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      fi
    fi
    rm -f "$STATE_DIR/started-pid"
    echo "engine.sh: stopped the dockerd (pid $pid) that engine.sh started."
    firewall_restore "$FIREWALL"
  else
    echo "engine.sh: the engine was not started by engine.sh; left running."
  fi
}

case "${1:-start}" in
  start) ;;
  stop)
    stop_engine
    exit 0
    ;;
  check)
    [[ -f "$STATE_DIR/started-pid" ]] && { echo "engine.sh check: the engine engine.sh started still runs; stop it first" >&2; exit 2; }
    firewall_check "$FIREWALL"
    exit $?
    ;;
  *)
    echo "usage: engine.sh [start|stop|check]" >&2
    exit 2
    ;;
esac

if engine_answers; then
  echo "engine.sh: a Docker engine already answers; using it."
  # A saved firewall belongs to an engine engine.sh started and still owns; any other
  # is stale (that engine is gone) and must not be compared with at the end.
  [[ -f "$STATE_DIR/started-pid" ]] || rm -rf "$FIREWALL"
  exit 0
fi

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v iptables >/dev/null 2>&1 || missing+=(iptables)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "engine.sh: cannot install ${missing[*]}: not root; install them or start a Docker engine, then rerun." >&2
    exit 1
  fi
  echo "engine.sh: installing ${missing[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$STATE_DIR/apt.log" 2>&1; then
    echo "engine.sh: apt-get install ${missing[*]} failed (see $STATE_DIR/apt.log); install them by hand, then rerun." >&2
    exit 1
  fi
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "engine.sh: no Docker engine answers and starting dockerd needs root; start one, then rerun." >&2
  exit 1
fi

# The runner's firewall as found, every table of every iptables variant: `stop` restores it.
firewall_save "$FIREWALL"
echo "engine.sh: starting dockerd (log: $LOG) ..."
nohup dockerd >"$LOG" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$STATE_DIR/started-pid"
for _ in $(seq 1 120); do
  if engine_answers; then
    echo "engine.sh: dockerd (pid $pid) is ready."
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.5
done
echo "engine.sh: dockerd did not answer within 60 s; last log lines: $(tail -n 3 "$LOG" | tr '\n' ' ')" >&2
kill "$pid" 2>/dev/null || true
for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
rm -f "$STATE_DIR/started-pid"
firewall_restore "$FIREWALL"
exit 1
