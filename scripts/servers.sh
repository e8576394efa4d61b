#!/usr/bin/env bash
# Starts and stops the real servers that test/real/ writes to, on loopback only:
#   InfluxDB 1.6.7   http://127.0.0.1:${INFLUX_PORT:-8086}  (Debian package `influxdb`)
#   VictoriaMetrics  http://127.0.0.1:${VM_PORT:-8428}      (Debian package `victoria-metrics`)
# No systemd needed: each server runs in the background with its own config and data under
# .servers/ in the repository (gitignored), and is tracked by a pid file.
#
# Usage: scripts/servers.sh start|stop|status|restart
# Env knobs: SERVERS_DIR (default <repo>/.servers), INFLUX_PORT (8086), INFLUX_RPC_PORT (8088),
#            VM_PORT (8428), READY_TIMEOUT_S (30), STOP_TIMEOUT_S (15)
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVERS_DIR=${SERVERS_DIR:-$REPO_DIR/.servers}
INFLUX_PORT=${INFLUX_PORT:-8086}
INFLUX_RPC_PORT=${INFLUX_RPC_PORT:-8088}
VM_PORT=${VM_PORT:-8428}
READY_TIMEOUT_S=${READY_TIMEOUT_S:-30}
STOP_TIMEOUT_S=${STOP_TIMEOUT_S:-15}

INFLUX_DIR=$SERVERS_DIR/influxdb
VM_DIR=$SERVERS_DIR/vm

log() { printf '[servers] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

now_ms() { date +%s%3N; }

# True while the process exists and is not a zombie (an exited server waiting to be reaped by
# whichever process adopted it is as good as stopped).
is_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ $state != Z ]]
}

# HTTP status of a GET, or 000 when nothing answers.
http_status() {
  curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null || true
}

# Prints the pid recorded in $1 when that process is alive and runs the program $2
# (a stale pid file whose pid was reused by another program does not count).
live_pid() {
  local pid_file=$1 program=$2 pid
  [[ -s $pid_file ]] || return 1
  pid=$(<"$pid_file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  is_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$program" || return 1
  printf '%s\n' "$pid"
}

need_binary() {
  command -v "$1" >/dev/null 2>&1 ||
    die "$1 not found; install the Debian package $2 (apt-get install -y $2), as .ci/run does"
}

write_influx_config() {
  mkdir -p "$INFLUX_DIR"
  # The Debian defaults bind :8086 on every interface and store an _internal database; neither is wanted here.
  # Debian's build uses the inverted key `reporting-enabled`.
  cat >"$INFLUX_DIR/influxdb.conf" <<EOF
reporting-enabled = false
bind-address = "127.0.0.1:$INFLUX_RPC_PORT"
[meta]
  dir = "$INFLUX_DIR/meta"
  logging-enabled = false
[data]
  dir = "$INFLUX_DIR/data"
  wal-dir = "$INFLUX_DIR/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[subscriber]
  enabled = false
[continuous_queries]
  enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:$INFLUX_PORT"
  auth-enabled = false
  log-enabled = false
  pprof-enabled = false
  max-body-size = 25000000
[logging]
  level = "info"
  suppress-logo = true
EOF
}

# wait_ready <name> <pid> <url> <status> <log file>
wait_ready() {
  local name=$1 pid=$2 url=$3 want=$4 log_file=$5 started deadline
  started=$(now_ms)
  deadline=$((started + READY_TIMEOUT_S * 1000))
  while :; do
    if ! is_alive "$pid"; then
      log "$name (pid $pid) exited during startup; last lines of $log_file:"
      tail -n 40 "$log_file" >&2 || true
      return 1
    fi
    if [[ $(http_status "$url") == "$want" ]]; then
      log "$name ready in $(($(now_ms) - started)) ms (pid $pid, $url)"
      return 0
    fi
    if (($(now_ms) > deadline)); then
      log "$name (pid $pid) not ready after ${READY_TIMEOUT_S}s; last lines of $log_file:"
      tail -n 40 "$log_file" >&2 || true
      return 1
    fi
    sleep 0.05
  done
}

# start_one <name> <program> <pid file> <log file> <ready url> <ready status> -- <command...>
start_one() {
  local name=$1 program=$2 pid_file=$3 log_file=$4 url=$5 want=$6 pid
  shift 7
  if pid=$(live_pid "$pid_file" "$program"); then
    log "$name already running (pid $pid)"
    wait_ready "$name" "$pid" "$url" "$want" "$log_file"
    return
  fi
  rm -f "$pid_file"
  # Something else on the port would make the readiness check lie.
  if [[ $(http_status "$url") != 000 ]]; then
    die "$name: ${url%/*} already answers but was not started by this script (pid file $pid_file); stop it or set another port"
  fi
  mkdir -p "$(dirname "$pid_file")"
  nohup "$@" >"$log_file" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$pid_file"
  wait_ready "$name" "$pid" "$url" "$want" "$log_file"
}

# stop_one <name> <program> <pid file>
stop_one() {
  local name=$1 program=$2 pid_file=$3 pid started deadline
  if ! pid=$(live_pid "$pid_file" "$program"); then
    log "$name not running"
    rm -f "$pid_file"
    return 0
  fi
  started=$(now_ms)
  deadline=$((started + STOP_TIMEOUT_S * 1000))
  kill -TERM "$pid" 2>/dev/null || true
  while is_alive "$pid"; do
    if (($(now_ms) > deadline)); then
      log "$name (pid $pid) ignored SIGTERM for ${STOP_TIMEOUT_S}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      local waited=0
      while is_alive "$pid" && ((waited < 50)); do
        sleep 0.1
        waited=$((waited + 1))
      done
      is_alive "$pid" && { log "$name (pid $pid) survived SIGKILL"; return 1; }
      break
    fi
    sleep 0.1
  done
  rm -f "$pid_file"
  log "$name (pid $pid) stopped in $(($(now_ms) - started)) ms"
}

status_one() {
  local name=$1 program=$2 pid_file=$3 url=$4 want=$5 pid code
  code=$(http_status "$url")
  if pid=$(live_pid "$pid_file" "$program"); then
    log "$name running (pid $pid), $url → $code"
    [[ $code == "$want" ]]
  else
    log "$name not running (no live pid in $pid_file), $url → $code"
    return 1
  fi
}

influx_args() {
  echo "$INFLUX_DIR/influxd.pid" "$INFLUX_DIR/influxd.log" "http://127.0.0.1:$INFLUX_PORT/ping" 204
}
vm_args() {
  echo "$VM_DIR/vm.pid" "$VM_DIR/vm.log" "http://127.0.0.1:$VM_PORT/health" 200
}

start() {
  need_binary influxd influxdb
  need_binary victoria-metrics victoria-metrics
  need_binary curl curl
  write_influx_config
  mkdir -p "$VM_DIR"
  # shellcheck disable=SC2046
  start_one InfluxDB influxd $(influx_args) -- influxd run -config "$INFLUX_DIR/influxdb.conf"
  # -retentionPeriod=100y keeps old timestamps (the default month silently drops them);
  # -search.latencyOffset=0s shows fresh samples to queries at once; no cache means no stale results after deletes.
  # shellcheck disable=SC2046
  start_one VictoriaMetrics victoria-metrics $(vm_args) -- victoria-metrics \
    -httpListenAddr="127.0.0.1:$VM_PORT" -storageDataPath="$VM_DIR/data" \
    -retentionPeriod=100y -search.latencyOffset=0s -search.disableCache -loggerLevel=INFO
}

stop() {
  local rc=0
  stop_one InfluxDB influxd "$INFLUX_DIR/influxd.pid" || rc=1
  stop_one VictoriaMetrics victoria-metrics "$VM_DIR/vm.pid" || rc=1
  return $rc
}

status() {
  local rc=0 pid_file log_file url want
  read -r pid_file log_file url want <<<"$(influx_args)"
  status_one InfluxDB influxd "$pid_file" "$url" "$want" || rc=1
  read -r pid_file log_file url want <<<"$(vm_args)"
  status_one VictoriaMetrics victoria-metrics "$pid_file" "$url" "$want" || rc=1
  return $rc
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart) stop && start ;;
  *)
    echo "usage: $0 start|stop|status|restart" >&2
    exit 2
    ;;
esac
