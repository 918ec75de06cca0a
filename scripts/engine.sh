#!/usr/bin/env bash
# Make sure a Docker engine answers. Installs docker.io/iptables/debootstrap when
# missing and starts dockerd in the background. Records in $NETTWIN_ENGINE_STATE
# whether this script started the engine, so `engine.sh stop` stops only that one.
set -euo pipefail

STATE_DIR="${NETTWIN_ENGINE_STATE:-/tmp/nettwin-engine}"
LOG="$STATE_DIR/dockerd.log"
mkdir -p "$STATE_DIR"

engine_answers() { timeout 5 docker info >/dev/null 2>&1; }

stop_engine() {
  if [[ -f "$STATE_DIR/started-pid" ]]; then
    local pid
    pid="$(cat "$STATE_DIR/started-pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
    rm -f "$STATE_DIR/started-pid"
    echo "engine.sh: stopped the dockerd (pid $pid) that engine.sh started."
  else
    echo "engine.sh: the engine was not started by engine.sh; left running."
  fi
}

if [[ "${1:-start}" == "stop" ]]; then
  stop_engine
  exit 0
fi

if engine_answers; then
  echo "engine.sh: a Docker engine already answers; using it."
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
rm -f "$STATE_DIR/started-pid"
exit 1
