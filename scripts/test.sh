#!/usr/bin/env bash
# The whole test suite against real servers, from a fresh machine of this kind:
# installs what is missing, builds, starts the local stack, runs every test, and stops the
# servers it started. Extra arguments go to jest (e.g. a path filter).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$PATH:/usr/local/go/bin"

bash scripts/stack.sh install
# Services left running by scripts/up.sh would share the tests' durable consumers.
bash scripts/services.sh stop
bash scripts/ensure-node-deps.sh

# The rules that check themselves: lint, architecture boundaries, protos and their compatibility.
echo "[lint] eslint, the tests' types, dependency rules, buf lint, buf breaking" >&2
npx --no-install eslint .
# jest runs the tests through swc, which checks no types; this does.
npx --no-install tsc -p tests/tsconfig.typecheck.json
npm run --silent lint:deps
npx --no-install buf lint
if git rev-parse -q --verify HEAD~1 >/dev/null 2>&1; then npx --no-install buf breaking --against '.git#ref=HEAD~1'; fi

# Component tests of the web inbox in jsdom; its journeys in Chromium run with jest below.
echo "[web] component tests (vitest)" >&2
npm run --silent test -w @inbox/web

# Remember what already ran, so only servers this run started are stopped afterwards.
already_up=$(bash scripts/stack.sh status | awk '$2 == "up" {print $1}' | tr '\n' ' ')
bash scripts/stack.sh up
cleanup() {
  if [ -z "$already_up" ]; then bash scripts/stack.sh down || true; fi
}
trap cleanup EXIT

results="$(mktemp -d)/jest.json"
status=0
# In band: some suites stop and restart the shared servers. --forceExit: once every result is
# written, a handle a failed suite left open must not hold the run until CI's time limit.
npx jest --runInBand --forceExit --json --outputFile="$results" "$@" || status=$?
node -e '
  const r = require(process.argv[1]);
  const failed = r.testResults.flatMap((s) => s.assertionResults.filter((a) => a.status === "failed").map((a) => `  ${a.fullName}`));
  if (failed.length) console.log(`failed tests:\n${failed.join("\n")}`);
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' "$results" || true
exit $status
