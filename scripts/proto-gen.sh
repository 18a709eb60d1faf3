#!/usr/bin/env bash
# Regenerates the TypeScript contracts in services/lib/src/gen from protos/ with ts-proto via buf.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf services/lib/src/gen
npx buf lint
npx buf generate
