#!/usr/bin/env bash
# Runs the six backend services as separate processes from their built output (npm run build).
#   scripts/services.sh start [NAME] | stop [NAME] | status | restart [NAME]
# Logs: $STACK_DIR/logs/<service>.log, rotated by the service past SERVICE_LOG_MAX_MB (100) with
# three older files kept; what a process prints outside its logger (a crash) goes to <service>.out.
# Pids: $STACK_DIR/run/<service>.pid.
# With $STACK_DIR/cluster.env (scripts/stack.sh up --cluster) every service runs twice: the second
# replica (<service>-2) on ports 1000 above the first's, and gRPC clients balance over both.
# GATEWAY_PROCESSES=2 (without the cluster) runs a second gateway process on the same public port
# (SO_REUSEPORT: the kernel spreads connections and WebSockets over both), its ops port 1000 above.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STACK_DIR="${STACK_DIR:-$ROOT/.stack}"
RUN_DIR="$STACK_DIR/run"
LOG_DIR="$STACK_DIR/logs"
SERVICES=(conversation routing search notification ingest gateway)

CLUSTER_ENV="$STACK_DIR/cluster.env"
clustered() { [ -f "$CLUSTER_ENV" ]; }
shared_gateway_port() { ! clustered && [ "${GATEWAY_PROCESSES:-1}" = 2 ]; }

# The ports of a service's second replica.
second_replica_env() {
  case "$1" in
    conversation) echo "CONVERSATION_GRPC_PORT=51051 CONVERSATION_EDGE_GRPC_PORT=51061 CONVERSATION_HTTP_PORT=10101" ;;
    routing) echo "ROUTING_GRPC_PORT=51052 ROUTING_EDGE_GRPC_PORT=51062 ROUTING_HTTP_PORT=10102" ;;
    search) echo "SEARCH_GRPC_PORT=51053 SEARCH_HTTP_PORT=10103" ;;
    notification) echo "NOTIFICATION_GRPC_PORT=51054 NOTIFICATION_HTTP_PORT=10104" ;;
    ingest) echo "INGEST_HTTP_PORT=9081 INGEST_OPS_PORT=10105 INGEST_SMTP_PORT=3525" ;;
    gateway) echo "GATEWAY_PORT=9080 GATEWAY_OPS_PORT=10106" ;;
  esac
}

ops_url() {
  case "$1" in
    *-2) echo "http://127.0.0.1:$(( $(ops_url "${1%-2}" | sed 's/.*://') + 1000 ))" ;;
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

# The heap of each service, from the benchmark's peaks (the chart sets the same in NODE_OPTIONS):
# V8 otherwise lets garbage grow towards a quarter of the machine's memory before collecting it
# (the gateway reached 450 MB resident). A capped old generation alone makes V8 shrink the young
# one with it, and the collector then took the gateway's CPU per request from 0.2 to 1.2 ms: the
# young generation is set on its own (16 MB semi-spaces). The conversation service holds the
# reports cache (CONVERSATION_REPORTS_CACHE_MB, 128 MB at most) besides.
heap_mb() {
  case $1 in
    conversation) echo "${CONVERSATION_HEAP_MB:-256}" ;;
    gateway) echo "${GATEWAY_HEAP_MB:-128}" ;;
    *) echo "${SERVICE_HEAP_MB:-128}" ;;
  esac
}

# How far the old generation may grow past what a full collection kept before the next one starts.
# V8 scales that with the heap cap and, under 128 MB, picks its least: 1.3 times. The search
# service keeps about 29 MB live, so at 10 search clients it ran a full collection every
# 230-450 ms; with twice, 10 in 20 s, and 0.89-0.96 ms of its CPU per search instead of
# 1.25-1.37, for 20 MB more resident. The inbound path's services measured the same either way
# (ingest-persisted), so they keep V8's own.
gc_flags() {
  case $1 in
    search) echo "--heap-growing-percent=${SEARCH_HEAP_GROWING_PERCENT:-100}" ;;
  esac
}

start_one() {
  local name=$1 service=${1%-2} extra=""
  if alive "$name"; then log "$name already running"; return; fi
  [ -f "$ROOT/services/$service/dist/main.js" ] || { log "$service is not built: run npm run build"; exit 1; }
  if [ "$name" = "$service" ] && [ -f "$ROOT/services/$service/dist/migrate.js" ]; then
    node "$ROOT/services/$service/dist/migrate.js" --create-database >>"$LOG_DIR/$name.log" 2>&1
  fi
  [ "$name" = "$service" ] || extra="$(second_replica_env "$service")"
  # Password hashes' 19 MB buffers go back to the system when freed, not kept per thread by glibc.
  if [ "$service" = conversation ]; then extra="$extra MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-1048576}"; fi
  if [ "$service" = gateway ] && shared_gateway_port; then
    extra="GATEWAY_SHARE_PORT=true"
    [ "$name" = gateway ] || extra="$extra GATEWAY_OPS_PORT=$(( ${GATEWAY_OPS_PORT:-9106} + 1000 ))"
  fi
  # Two malloc arenas, not eight per core: each libuv and V8 thread kept freed memory in its own
  # (the gateway held 240 MB resident with 10,000 sockets, 221 MB with two).
  extra="$extra MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}"
  # Every request is logged: unrotated, the gateway's file grew past a gigabyte in days of benchmarks.
  extra="$extra LOG_FILE=$LOG_DIR/$name.log LOG_FILE_MAX_MB=${SERVICE_LOG_MAX_MB:-100}"
  # Past 180 MB resident the gateway gives back the heap pages V8 pools after each collection and
  # would return only once idle (services/lib/src/runtime/heap-budget.ts): with 10,000 sockets it
  # peaked at 149 MB instead of 179-194. Not the conversation service: under the reports benchmark
  # it grew back within seconds, and the collections' pauses took a report's p99 from 90 to 248 ms.
  if [ "$service" = gateway ]; then extra="$extra MEMORY_BUDGET_MB=${MEMORY_BUDGET_MB:-180}"; fi
  # One V8 helper thread per process instead of four (--v8-pool-size): every young-generation
  # collection woke all four, and seven processes sharing two cores paid for those wake-ups
  # (search at 10 clients: p99 64-72 ms with four, 53-62 with one; time to inbox and real-time
  # delivery unchanged). Collections still run beside the main thread, on the one helper.
  # --expose-gc lets a service, once started, give back the heap it grew while loading its modules
  # (services/lib/src/runtime/startup-heap.ts: the six held 796 MB at idle without it, 580 MB with it).
  # SERVICE_NODE_FLAGS adds node options, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile a bench run,
  # or "--enable-source-maps" for TypeScript positions in stack traces: off by default, because every
  # map a process loads stays parsed in its heap (the gateway's old space: 56 MB with them, 32 without).
  # shellcheck disable=SC2086
  env $extra nohup node --max-old-space-size="$(heap_mb "$service")" --max-semi-space-size=16 --v8-pool-size=1 --expose-gc $(gc_flags "$service") ${SERVICE_NODE_FLAGS:-} "$ROOT/services/$service/dist/main.js" >>"$LOG_DIR/$name.out" 2>&1 &
  echo $! >"$RUN_DIR/$name.pid"
}

wait_ready() {
  local name=$1 url deadline=$((SECONDS + 60))
  url="$(ops_url "$name")/readyz"
  until curl -fsS "$url" >/dev/null 2>&1; do
    alive "$name" || { log "$name exited; last log lines:"; tail -n 20 "$LOG_DIR/$name.log" "$LOG_DIR/$name.out" >&2 2>/dev/null; exit 1; }
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
if clustered; then
  set -a
  # shellcheck disable=SC1090
  . "$CLUSTER_ENV"
  set +a
  # Clients call both replicas of a service, round-robin.
  export CONVERSATION_GRPC_ADDR="ipv4:127.0.0.1:50051,127.0.0.1:51051" ROUTING_GRPC_ADDR="ipv4:127.0.0.1:50052,127.0.0.1:51052" \
    SEARCH_GRPC_ADDR="ipv4:127.0.0.1:50053,127.0.0.1:51053" NOTIFICATION_GRPC_ADDR="ipv4:127.0.0.1:50054,127.0.0.1:51054" \
    CONVERSATION_DIRECTORY_GRPC_ADDR="ipv4:127.0.0.1:50061,127.0.0.1:51061" ROUTING_PRESENCE_GRPC_ADDR="ipv4:127.0.0.1:50062,127.0.0.1:51062"
  SERVICES=(conversation routing search notification ingest gateway conversation-2 routing-2 search-2 notification-2 ingest-2 gateway-2)
elif shared_gateway_port; then
  SERVICES+=(gateway-2)
elif [ "${GATEWAY_PROCESSES:-1}" != 1 ]; then
  log "GATEWAY_PROCESSES is 1 or 2"; exit 2
fi
stop_all() {
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do stop_one "${SERVICES[$i]}"; done
  # Second replicas left from a cluster run.
  for s in conversation routing search notification ingest gateway; do stop_one "$s-2"; done
}

start_all() {
  for s in "${SERVICES[@]}"; do start_one "$s"; done
  for s in "${SERVICES[@]}"; do wait_ready "$s"; done
}

if [ -n "${2:-}" ] && [[ ! "$2" =~ ^(conversation|routing|search|notification|ingest|gateway)(-2)?$ ]]; then
  log "no service named $2 (conversation, routing, search, notification, ingest or gateway, -2 for a second replica)"; exit 2
fi
case "${1:-start}" in
  start)
    if [ -n "${2:-}" ]; then start_one "$2"; wait_ready "$2"; exit 0; fi
    start_all
    ;;
  stop)
    if [ -n "${2:-}" ]; then stop_one "$2"; exit 0; fi
    stop_all
    ;;
  restart)
    if [ -n "${2:-}" ]; then stop_one "$2"; start_one "$2"; wait_ready "$2"; exit 0; fi
    stop_all
    start_all
    ;;
  status)
    for s in "${SERVICES[@]}"; do
      if alive "$s"; then printf '%-13s running  %s\n' "$s" "$(curl -s "$(ops_url "$s")/readyz" | head -c 200)"; else printf '%-13s stopped\n' "$s"; fi
    done
    ;;
  *) log "usage: services.sh start|stop|restart [NAME] | status"; exit 2 ;;
esac
