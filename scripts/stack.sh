#!/usr/bin/env bash
# The local stack of real servers: PostgreSQL, Redis, NATS with JetStream and OpenSearch.
#   scripts/stack.sh install   install what is missing (Debian packages, nats-server, OpenSearch jars)
#   scripts/stack.sh up        install, then start what is not running and wait until healthy
#   scripts/stack.sh down      stop what this script started (servers it found running are left alone)
#   scripts/stack.sh status    show each server and who started it
#   scripts/stack.sh stop NAME / start NAME   one server (postgres, redis, nats, opensearch, mailpit)
#   scripts/stack.sh up --cluster   the same, with NATS as a 3-node cluster (every stream and the
#                      object store at 3 replicas) and a PostgreSQL streaming replica (:5433) that
#                      the conversation service reads lagging views from; writes $STACK_DIR/cluster.env,
#                      which scripts/services.sh reads to run two replicas of every service.
# mailpit (outbound mail catcher for development) is started by scripts/up.sh, not by `up`.
# Data lives in $STACK_DIR (default .stack/, git-ignored). A second `up` reuses what runs.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$PATH:/usr/local/go/bin"
STACK_DIR="${STACK_DIR:-$ROOT/.stack}"
PG_PORT="${STACK_PG_PORT:-5432}"
REDIS_PORT="${STACK_REDIS_PORT:-6379}"
NATS_PORT="${STACK_NATS_PORT:-4222}"
NATS_MONITOR_PORT="${STACK_NATS_MONITOR_PORT:-8222}"
OPENSEARCH_PORT="${STACK_OPENSEARCH_PORT:-9200}"
OPENSEARCH_TRANSPORT_PORT="${STACK_OPENSEARCH_TRANSPORT_PORT:-9300}"
# Sized from measurement (README, twenty-first run): the old generation held 60-64 MB with the
# benchmark's 200,000 documents and 125 MB with 3.8 million, and G1 spent the same time collecting
# with 256, 384 or 768 MB; a 768 MB heap only let the young generation grow to 459 MB, resident.
OPENSEARCH_HEAP="${STACK_OPENSEARCH_HEAP:-384m}"
PG_REPLICA_PORT="${STACK_PG_REPLICA_PORT:-5433}"
NATS_VERSION="v2.15.2"
MAILPIT_VERSION="v1.33.1"
HELM_VERSION="v3.22.0"
MAILPIT_SMTP_PORT="${STACK_MAILPIT_SMTP_PORT:-1025}"
MAILPIT_UI_PORT="${STACK_MAILPIT_UI_PORT:-8025}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
BIN_DIR="$STACK_DIR/bin"
RUN_DIR="$STACK_DIR/run"
LOG_DIR="$STACK_DIR/logs"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() { # name seconds command...
  local name=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "$name did not become healthy within ${seconds}s (logs: $LOG_DIR)"
    sleep 0.5
  done
  log "$name healthy"
}

install_debian_packages() {
  local missing=()
  [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v swaks >/dev/null || missing+=(swaks)
  command -v chromium >/dev/null || missing+=(chromium)
  command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || missing+=(maven)
  command -v curl >/dev/null || missing+=(curl)
  command -v promtool >/dev/null || missing+=(prometheus)
  [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  fi
}

install_nats() {
  [ -x "$BIN_DIR/nats-server" ] && return
  mkdir -p "$BIN_DIR"
  # 2.10+ for several filter subjects per consumer and sync_interval; built from the Go module proxy.
  log "building nats-server $NATS_VERSION with go install"
  if GOBIN="$BIN_DIR" GOFLAGS=-mod=mod go install "github.com/nats-io/nats-server/v2@$NATS_VERSION" >"$LOG_DIR/nats-build.log" 2>&1; then
    return
  fi
  die "could not build nats-server (see $LOG_DIR/nats-build.log)"
}

install_helm() {
  [ -x "$BIN_DIR/helm" ] && return
  log "building helm $HELM_VERSION with go install"
  GOBIN="$BIN_DIR" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >"$LOG_DIR/helm-build.log" 2>&1 ||
    die "could not build helm (see $LOG_DIR/helm-build.log)"
}

install_opensearch() {
  local dir="$ROOT/deploy/opensearch"
  # Built, and not older than its sources.
  [ -f "$dir/target/opensearch-local-1.0.0.jar" ] && [ -d "$dir/target/lib" ] &&
    [ -z "$(find "$dir/src" "$dir/pom.xml" -newer "$dir/target/opensearch-local-1.0.0.jar" -print -quit)" ] && return
  log "assembling OpenSearch from Maven Central (deploy/opensearch)"
  (cd "$dir" && mvn -q -B -DskipTests package && touch target/opensearch-local-1.0.0.jar) >"$LOG_DIR/opensearch-build.log" 2>&1 ||
    die "OpenSearch assembly failed (see $LOG_DIR/opensearch-build.log)"
}

install_all() {
  mkdir -p "$BIN_DIR" "$RUN_DIR" "$LOG_DIR"
  install_debian_packages
  install_nats
  install_helm
  install_opensearch
}

# ---------- mailpit: the development SMTP catcher for outbound mail (web UI on :8025) ----------
mailpit_ready() { curl -fsS "http://127.0.0.1:$MAILPIT_UI_PORT/livez" >/dev/null 2>&1; }
start_mailpit() {
  if mailpit_ready; then log "mailpit already running on $MAILPIT_UI_PORT"; return; fi
  if [ ! -x "$BIN_DIR/mailpit" ]; then
    log "building mailpit $MAILPIT_VERSION with go install"
    GOBIN="$BIN_DIR" go install "github.com/axllent/mailpit@$MAILPIT_VERSION" >"$LOG_DIR/mailpit-build.log" 2>&1 || die "could not build mailpit (see $LOG_DIR/mailpit-build.log)"
  fi
  nohup "$BIN_DIR/mailpit" --smtp "127.0.0.1:$MAILPIT_SMTP_PORT" --listen "127.0.0.1:$MAILPIT_UI_PORT" \
    --database "$STACK_DIR/mailpit.db" --smtp-auth-accept-any --smtp-auth-allow-insecure --disable-version-check >"$LOG_DIR/mailpit.log" 2>&1 &
  echo $! >"$RUN_DIR/mailpit.pid"
  wait_for mailpit 30 mailpit_ready
}
stop_mailpit() {
  pid_alive "$RUN_DIR/mailpit.pid" || { rm -f "$RUN_DIR/mailpit.pid"; return; }
  terminate "$RUN_DIR/mailpit.pid"
}

# ---------- PostgreSQL ----------
pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }
start_postgres() {
  if pg_ready; then log "postgres already running on $PG_PORT"; return; fi
  local data="$STACK_DIR/postgres"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data" && chown postgres:postgres "$data" && chmod 700 "$data"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$LOG_DIR/postgres-init.log"
    cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$data'
max_connections = 300
shared_buffers = 256MB
fsync = on
synchronous_commit = on
EOF
  fi
  touch "$LOG_DIR/postgres.log" && chown postgres:postgres "$LOG_DIR/postgres.log"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data" -l "$LOG_DIR/postgres.log" -w -t 60 start >/dev/null
  head -n 1 "$data/postmaster.pid" >"$RUN_DIR/postgres.pid"
  wait_for postgres 60 pg_ready
}
stop_postgres() {
  pid_alive "$RUN_DIR/postgres.pid" || { rm -f "$RUN_DIR/postgres.pid"; return; }
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$STACK_DIR/postgres" -m fast -w stop >/dev/null
  rm -f "$RUN_DIR/postgres.pid"
}

# ---------- Redis ----------
redis_ready() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }
start_redis() {
  if redis_ready; then log "redis already running on $REDIS_PORT"; return; fi
  mkdir -p "$STACK_DIR/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$STACK_DIR/redis" --save "" --appendonly no \
    --daemonize yes --pidfile "$RUN_DIR/redis.pid" --logfile "$LOG_DIR/redis.log"
  wait_for redis 30 redis_ready
}
stop_redis() {
  pid_alive "$RUN_DIR/redis.pid" || { rm -f "$RUN_DIR/redis.pid"; return; }
  terminate "$RUN_DIR/redis.pid"
}

# ---------- NATS ----------
nats_ready() { curl -fsS "http://127.0.0.1:$NATS_MONITOR_PORT/healthz?js-enabled-only=true" 2>/dev/null | grep -q ok; }
start_nats() {
  if nats_ready; then log "nats already running on $NATS_PORT"; return; fi
  mkdir -p "$STACK_DIR/nats"
  cat >"$STACK_DIR/nats.conf" <<EOF
listen: 127.0.0.1:$NATS_PORT
http: 127.0.0.1:$NATS_MONITOR_PORT
max_payload: 8MB
jetstream {
  store_dir: "$STACK_DIR/nats"
  max_file_store: 10G
  # fsync every write: an acknowledged publish survives a power loss, not only a crash.
  sync_interval: always
}
EOF
  nohup "$BIN_DIR/nats-server" -c "$STACK_DIR/nats.conf" >"$LOG_DIR/nats.log" 2>&1 &
  echo $! >"$RUN_DIR/nats.pid"
  wait_for nats 30 nats_ready
}
stop_nats() {
  pid_alive "$RUN_DIR/nats.pid" || { rm -f "$RUN_DIR/nats.pid"; return; }
  terminate "$RUN_DIR/nats.pid"
}

# ---------- NATS cluster (up --cluster): three servers routed to each other ----------
NATS_CLUSTER_NODES=(1 2 3)
nats_cluster_ready() {
  local i
  for i in "${NATS_CLUSTER_NODES[@]}"; do
    curl -fsS "http://127.0.0.1:$((NATS_MONITOR_PORT + i - 1))/healthz?js-enabled-only=true" 2>/dev/null | grep -q ok || return 1
  done
  curl -fsS "http://127.0.0.1:$NATS_MONITOR_PORT/jsz" 2>/dev/null | grep -q '"leader"'
}
start_nats_cluster() {
  if nats_cluster_ready; then log "nats cluster already running on $NATS_PORT-$((NATS_PORT + 2))"; return; fi
  local i j routes
  for i in "${NATS_CLUSTER_NODES[@]}"; do
    mkdir -p "$STACK_DIR/nats-cluster/n$i"
    routes=""
    for j in "${NATS_CLUSTER_NODES[@]}"; do
      if [ "$j" != "$i" ]; then routes="${routes:+$routes, }nats-route://127.0.0.1:$((6221 + j))"; fi
    done
    cat >"$STACK_DIR/nats-cluster/n$i.conf" <<EOF
server_name: n$i
listen: 127.0.0.1:$((NATS_PORT + i - 1))
http: 127.0.0.1:$((NATS_MONITOR_PORT + i - 1))
max_payload: 8MB
jetstream { store_dir: "$STACK_DIR/nats-cluster/n$i", max_file_store: 10G, sync_interval: always }
cluster { name: inbox-local, listen: 127.0.0.1:$((6221 + i)), routes: [$routes] }
EOF
    nohup "$BIN_DIR/nats-server" -c "$STACK_DIR/nats-cluster/n$i.conf" >"$LOG_DIR/nats-n$i.log" 2>&1 &
    echo $! >"$RUN_DIR/nats-n$i.pid"
  done
  wait_for "nats cluster" 60 nats_cluster_ready
}
stop_nats_cluster() {
  local i
  for i in "${NATS_CLUSTER_NODES[@]}"; do
    if pid_alive "$RUN_DIR/nats-n$i.pid"; then terminate "$RUN_DIR/nats-n$i.pid"; fi
    rm -f "$RUN_DIR/nats-n$i.pid"
  done
}

# ---------- PostgreSQL streaming replica (up --cluster) ----------
pg_replica_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_REPLICA_PORT"; }
start_postgres_replica() {
  if pg_replica_ready; then log "postgres replica already running on $PG_REPLICA_PORT"; return; fi
  local data="$STACK_DIR/postgres-replica"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data" && chown postgres:postgres "$data" && chmod 700 "$data"
    runuser -u postgres -- "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$data" -X stream -c fast -R >"$LOG_DIR/postgres-replica-init.log" 2>&1
  fi
  touch "$LOG_DIR/postgres-replica.log" && chown postgres:postgres "$LOG_DIR/postgres-replica.log"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data" -l "$LOG_DIR/postgres-replica.log" \
    -o "-p $PG_REPLICA_PORT -c unix_socket_directories=$data -c hot_standby=on" -w -t 60 start >/dev/null
  head -n 1 "$data/postmaster.pid" >"$RUN_DIR/postgres-replica.pid"
  wait_for "postgres replica" 60 pg_replica_ready
}
stop_postgres_replica() {
  pid_alive "$RUN_DIR/postgres-replica.pid" || { rm -f "$RUN_DIR/postgres-replica.pid"; return; }
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$STACK_DIR/postgres-replica" -m fast -w stop >/dev/null
  rm -f "$RUN_DIR/postgres-replica.pid"
}

# What the services need to use the cluster: scripts/services.sh reads it.
write_cluster_env() {
  cat >"$STACK_DIR/cluster.env" <<EOF
NATS_URL=nats://127.0.0.1:$NATS_PORT,nats://127.0.0.1:$((NATS_PORT + 1)),nats://127.0.0.1:$((NATS_PORT + 2))
NATS_STREAM_REPLICAS=3
CONVERSATION_READ_DATABASE_URL=postgres://postgres@127.0.0.1:$PG_REPLICA_PORT/inbox_conversation
OPENSEARCH_URL=http://127.0.0.1:$OPENSEARCH_PORT,http://127.0.0.1:$((OPENSEARCH_PORT + 1))
SEARCH_INDEX_REPLICAS=1
EOF
}

# ---------- OpenSearch ----------
# One node; in cluster mode ($STACK_DIR/cluster.env) a second, data-only node joins it (so the
# first stays the only manager and the pair can go back to one node), and indices keep a replica.
opensearch_ready() { curl -fsS "http://127.0.0.1:$OPENSEARCH_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null | grep -qE '"status":"(green|yellow)"'; }
opensearch_pair_ready() { curl -fsS "http://127.0.0.1:$OPENSEARCH_PORT/_cluster/health" 2>/dev/null | grep -q '"number_of_nodes":2'; }
opensearch_node() { # home http-port transport-port log [java options...] -- [LocalNode arguments...]
  local home=$1 http=$2 transport=$3 logfile=$4 dir="$ROOT/deploy/opensearch/target" java_opts=() args=()
  shift 4
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do java_opts+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  args=("$@")
  mkdir -p "$home"
  nohup java -Xms"$OPENSEARCH_HEAP" -Xmx"$OPENSEARCH_HEAP" -XX:+UseG1GC -Djava.awt.headless=true "${java_opts[@]}" \
    -Dlog4j2.configurationFile="$dir/classes/log4j2.properties" -Dlog4j2.formatMsgNoLookups=true \
    -cp "$dir/classes:$dir/lib/*" inbox.opensearch.LocalNode "$home" "$http" "$transport" "${args[@]}" >"$logfile" 2>&1 &
}
start_opensearch() {
  local mode=single
  [ -f "$STACK_DIR/cluster.env" ] && mode=cluster
  if opensearch_ready && [ "$(cat "$RUN_DIR/opensearch.mode" 2>/dev/null || echo single)" = "$mode" ]; then
    log "opensearch already running on $OPENSEARCH_PORT"; return
  fi
  if pid_alive "$RUN_DIR/opensearch.pid"; then stop_opensearch; fi
  local seeds="127.0.0.1:$OPENSEARCH_TRANSPORT_PORT,127.0.0.1:$((OPENSEARCH_TRANSPORT_PORT + 1))"
  if [ "$mode" = cluster ]; then
    opensearch_node "$STACK_DIR/opensearch" "$OPENSEARCH_PORT" "$OPENSEARCH_TRANSPORT_PORT" "$LOG_DIR/opensearch.log" -- inbox-local-1 "$seeds" inbox-local-1
  else
    opensearch_node "$STACK_DIR/opensearch" "$OPENSEARCH_PORT" "$OPENSEARCH_TRANSPORT_PORT" "$LOG_DIR/opensearch.log"
  fi
  echo $! >"$RUN_DIR/opensearch.pid"
  echo "$mode" >"$RUN_DIR/opensearch.mode"
  wait_for opensearch 180 opensearch_ready
  if [ "$mode" = cluster ]; then
    opensearch_node "$STACK_DIR/opensearch-2" "$((OPENSEARCH_PORT + 1))" "$((OPENSEARCH_TRANSPORT_PORT + 1))" "$LOG_DIR/opensearch-2.log" \
      -Dinbox.roles=data,ingest -- inbox-local-2 "$seeds" inbox-local-1
    echo $! >"$RUN_DIR/opensearch-2.pid"
    wait_for "opensearch second node" 180 opensearch_pair_ready
  fi
}
stop_opensearch() {
  if pid_alive "$RUN_DIR/opensearch-2.pid"; then terminate "$RUN_DIR/opensearch-2.pid"; fi
  rm -f "$RUN_DIR/opensearch-2.pid"
  pid_alive "$RUN_DIR/opensearch.pid" || { rm -f "$RUN_DIR/opensearch.pid" "$RUN_DIR/opensearch.mode"; return; }
  terminate "$RUN_DIR/opensearch.pid"
  rm -f "$RUN_DIR/opensearch.mode"
}

# Reads the pid once, before the signal: a server may delete its own pid file as it exits
# (redis does), and reading it again then would fail the script.
terminate() {
  local pidfile=$1 pid
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; return; }; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

status_line() { # name ready-fn pidfile
  local state="down" owner=""
  if "$2" >/dev/null 2>&1; then state="up"; fi
  if pid_alive "$RUN_DIR/$3"; then owner="(started by stack.sh, pid $(cat "$RUN_DIR/$3"))"; elif [ "$state" = up ]; then owner="(running, not started by stack.sh)"; fi
  printf '%-11s %-5s %s\n' "$1" "$state" "$owner"
}

main() {
  local cmd=${1:-up}
  mkdir -p "$BIN_DIR" "$RUN_DIR" "$LOG_DIR"
  case "$cmd" in
    install) install_all ;;
    up)
      install_all
      start_postgres
      start_redis
      if [ "${2:-}" = "--cluster" ]; then
        if pid_alive "$RUN_DIR/nats.pid"; then stop_nats; fi
        start_nats_cluster
        start_postgres_replica
        write_cluster_env
      else
        stop_nats_cluster
        stop_postgres_replica
        rm -f "$STACK_DIR/cluster.env"
        start_nats
      fi
      start_opensearch
      log "stack is up: postgres :$PG_PORT, redis :$REDIS_PORT, nats :$NATS_PORT, opensearch :$OPENSEARCH_PORT${2:+ (cluster: nats :$NATS_PORT-$((NATS_PORT + 2)), postgres replica :$PG_REPLICA_PORT)}"
      ;;
    down)
      stop_mailpit
      stop_opensearch
      stop_nats
      stop_nats_cluster
      stop_postgres_replica
      stop_redis
      stop_postgres
      rm -f "$STACK_DIR/cluster.env"
      log "stopped what stack.sh started"
      ;;
    start) "start_${2:?name}" ;;
    stop) "stop_${2:?name}" ;;
    status)
      status_line postgres pg_ready postgres.pid
      status_line redis redis_ready redis.pid
      status_line nats nats_ready nats.pid
      status_line nats-n1 nats_cluster_ready nats-n1.pid
      status_line pg-replica pg_replica_ready postgres-replica.pid
      status_line opensearch opensearch_ready opensearch.pid
      status_line opensearch-2 opensearch_pair_ready opensearch-2.pid
      status_line mailpit mailpit_ready mailpit.pid
      ;;
    *) die "unknown command $cmd (install|up|down|status|start NAME|stop NAME)" ;;
  esac
}

main "$@"
