#!/usr/bin/env bash
# The one test command: installs what the tests need, builds, lints (tsc type check + eslint) and
# tests every package through turbo, runs the repository-wide checks (Prettier, import rules, the
# root config's type check), and prints one closing line "N passed, N failed" totalled over all
# packages, where a failed check counts as one failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --system || { echo "0 passed, 1 failed"; exit 1; }
# Stale reports from an earlier run must not be counted; turbo restores them from its cache.
rm -f packages/*/test-results.json tools/*/test-results.json
checks=()
check() {
  local name=$1
  shift
  if "$@"; then checks+=("--check=$name=0"); else checks+=("--check=$name=1"); fi
}
check format pnpm run --silent format:check
check root-typecheck pnpm run --silent typecheck
pnpm turbo run build lint test --continue --concurrency=1
status=$?
# After the build: imports of a workspace package resolve to its dist/ (through its `exports`),
# and the rules on which entry a package takes need them resolved.
check import-rules pnpm run --silent lint:deps
node scripts/summarize-tests.mjs --turbo-status="$status" "${checks[@]}"
summary=$?
[ "$status" = 0 ] && [ "$summary" = 0 ]
