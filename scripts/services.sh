#!/usr/bin/env bash
# Runs the six backend services as separate processes from their built output (npm run build).
#   scripts/services.sh start | stop [NAME] | status | restart NAME
# Logs: $STACK_DIR/logs/<service>.log; pids: $STACK_DIR/run/<service>.pid.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STACK_DIR="${STACK_DIR:-$ROOT/.stack}"
RUN_DIR="$STACK_DIR/run"
LOG_DIR="$STACK_DIR/logs"
SERVICES=(conversation routing search notification ingest gateway)

ops_url() {
  case "$1" in
    conversation) echo "http://127.0.0.1:${CONVERSATION_HTTP_PORT:-9101}" ;;
    routing) echo "http://127.0.0.1:${ROUTING_HTTP_PORT:-9102}" ;;
    search) echo "http://127.0.0.1:${SEARCH_HTTP_PORT:-9103}" ;;
    notification) echo "http://127.0.0.1:${NOTIFICATION_HTTP_PORT:-9104}" ;;
    ingest) echo "http://127.0.0.1:${INGEST_OPS_PORT:-9105}" ;;
    gateway) echo "http://127.0.0.1:${GATEWAY_OPS_PORT:-9106}" ;;
  esac
}

log() { printf '[services] %s\n' "$*" >&2; }

# Secrets are never defaults: each install gets its own, kept in the git-ignored stack folder.
load_secrets() {
  local file="$STACK_DIR/secrets.env"
  if [ ! -f "$file" ]; then
    umask 077
    printf 'GATEWAY_JWT_SECRET=%s\n' "$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" >"$file"
    log "generated a signing secret for this install in $file"
  fi
  set -a
  # shellcheck disable=SC1090
  . "$file"
  set +a
}
alive() { [ -f "$RUN_DIR/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }

start_one() {
  local name=$1
  if alive "$name"; then log "$name already running"; return; fi
  [ -f "$ROOT/services/$name/dist/main.js" ] || { log "$name is not built: run npm run build"; exit 1; }
  if [ -f "$ROOT/services/$name/dist/migrate.js" ]; then
    node "$ROOT/services/$name/dist/migrate.js" --create-database >>"$LOG_DIR/$name.log" 2>&1
  fi
  # SERVICE_NODE_FLAGS adds node options, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile a bench run.
  # shellcheck disable=SC2086
  nohup node --enable-source-maps ${SERVICE_NODE_FLAGS:-} "$ROOT/services/$name/dist/main.js" >>"$LOG_DIR/$name.log" 2>&1 &
  echo $! >"$RUN_DIR/$name.pid"
}

wait_ready() {
  local name=$1 url deadline=$((SECONDS + 60))
  url="$(ops_url "$name")/readyz"
  until curl -fsS "$url" >/dev/null 2>&1; do
    alive "$name" || { log "$name exited; last log lines:"; tail -n 20 "$LOG_DIR/$name.log" >&2; exit 1; }
    [ $SECONDS -lt $deadline ] || { log "$name not ready after 60s: $(curl -s "$url")"; exit 1; }
    sleep 0.3
  done
  log "$name ready"
}

stop_one() {
  local name=$1 pid
  alive "$name" || { rm -f "$RUN_DIR/$name.pid"; return; }
  pid=$(cat "$RUN_DIR/$name.pid")
  kill -TERM "$pid"
  for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$RUN_DIR/$name.pid"
  log "$name stopped"
}

mkdir -p "$RUN_DIR" "$LOG_DIR"
load_secrets
case "${1:-start}" in
  start)
    for s in "${SERVICES[@]}"; do start_one "$s"; done
    for s in "${SERVICES[@]}"; do wait_ready "$s"; done
    ;;
  stop)
    if [ -n "${2:-}" ]; then stop_one "$2"; exit 0; fi
    for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do stop_one "${SERVICES[$i]}"; done
    ;;
  restart)
    stop_one "${2:?service}"
    start_one "$2"
    wait_ready "$2"
    ;;
  status)
    for s in "${SERVICES[@]}"; do
      if alive "$s"; then printf '%-13s running  %s\n' "$s" "$(curl -s "$(ops_url "$s")/readyz" | head -c 200)"; else printf '%-13s stopped\n' "$s"; fi
    done
    ;;
  *) log "usage: services.sh start|stop [NAME]|status|restart NAME"; exit 2 ;;
esac
