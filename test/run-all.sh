#!/usr/bin/env bash
# The test command (npm test): every test file under test/ through uvu, then the totals alone on a
# line, "N passed, N failed". It fails unless every test ran and passed: uvu 0.5 exits 0 when a
# suite's before hook throws (the suite's tests are counted but never run), so the totals decide.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
npx tsx node_modules/uvu/bin.js test '\.test\.ts$' -i helpers "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
clean=$(sed -e 's/\x1b\[[0-9;]*m//g' "$log")
total=$(printf '%s\n' "$clean" | awk '/^ *Total: */ {print $2}' | tail -n 1)
passed=$(printf '%s\n' "$clean" | awk '/^ *Passed: */ {print $2}' | tail -n 1)
skipped=$(printf '%s\n' "$clean" | awk '/^ *Skipped: */ {print $2}' | tail -n 1)
total=${total:-0}; passed=${passed:-0}; skipped=${skipped:-0}
failed=$((total - passed - skipped))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo
echo "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
