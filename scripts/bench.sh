#!/usr/bin/env bash
# Benchmarks against the running local stack (start it with `npm run up`): one JSON file per
# scenario under bench-results/ and a summary table (bench-results/summary.md). Loopback only.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"
cd "$(dirname "$0")/.."
npx --no-install tsx tests/bench/run.ts "$@"
