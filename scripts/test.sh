#!/usr/bin/env bash
# The one test command: installs what the tests need, builds, lints and tests every package
# through turbo, and prints one closing line "N passed, N failed" totalled over all packages.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --system || { echo "0 passed, 1 failed"; exit 1; }
# Stale reports from an earlier run must not be counted; turbo restores them from its cache.
rm -f packages/*/test-results.json tools/*/test-results.json
pnpm turbo run build lint test --continue --concurrency=1
status=$?
node scripts/summarize-tests.mjs
summary=$?
[ "$status" = 0 ] && [ "$summary" = 0 ]
