#!/usr/bin/env bash
# Benchmarks against the running local stack (start it with `npm run up`): one JSON file per
# scenario under bench-results/ and a summary table (bench-results/summary.md). Loopback only.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"
cd "$(dirname "$0")/.."
# The realtime scenario opens BENCH_SOCKETS sockets for one user; the per-user cap is raised to
# that for the run (a restart of the gateway only), and put back after.
sockets="${BENCH_SOCKETS:-2000}"
if bash scripts/services.sh status | grep -q '^gateway .*running'; then
  GATEWAY_MAX_SOCKETS_PER_USER="$sockets" bash scripts/services.sh restart gateway
  trap 'bash scripts/services.sh restart gateway' EXIT
fi
npx --no-install tsx tests/bench/run.ts "$@"
