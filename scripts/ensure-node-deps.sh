#!/usr/bin/env bash
# Installs the npm workspaces from the lock file when node_modules is missing or stale, then
# builds every workspace (TypeScript project references and the web UI).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
stamp=node_modules/.package-lock.json
if [ "${CI:-}" = "true" ] || [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "[deps] npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "[build] tsc -b and web" >&2
npm run --silent build >/dev/null
