#!/usr/bin/env bash
# Brings up the whole inbox locally on a fresh machine of this kind: installs and starts the
# real servers, builds, runs migrations, starts the six backend services as separate processes
# (the gateway also serves the web UI), seeds a demo account, and prints the URL and login.
#   scripts/up.sh          start (or reuse) everything
#   scripts/up.sh --cluster  the same on a 3-node NATS cluster and a PostgreSQL replica, with two
#                          replicas of every service (npm run up -- --cluster; about 4 GB of memory)
#   scripts/up.sh down     stop the services and the servers this project started
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$PATH:/usr/local/go/bin"

if [ "${1:-}" = "down" ]; then
  bash scripts/services.sh stop
  bash scripts/stack.sh down
  exit 0
fi

if [ "${1:-}" = "--cluster" ]; then bash scripts/stack.sh up --cluster; else bash scripts/stack.sh up; fi
bash scripts/stack.sh start mailpit
bash scripts/ensure-node-deps.sh
bash scripts/services.sh start
npx --no-install tsx scripts/seed-demo.ts

cat <<MSG

  Inbox is running.
    Web inbox:   ${GATEWAY_PUBLIC_URL:-http://127.0.0.1:${GATEWAY_PORT:-8080}}/
    API:         ${GATEWAY_PUBLIC_URL:-http://127.0.0.1:${GATEWAY_PORT:-8080}}/api/v1/openapi.json
    Ingest:      http://127.0.0.1:${INGEST_HTTP_PORT:-8081}  (SMTP 127.0.0.1:${INGEST_SMTP_PORT:-2525})
    Sent mail:   http://127.0.0.1:${STACK_MAILPIT_UI_PORT:-8025}  (mailpit catches every outbound email)
  $(cat .stack/demo-login.txt 2>/dev/null || true)
  Logs: .stack/logs/   Status: scripts/services.sh status   Stop: scripts/up.sh down
MSG
