#!/usr/bin/env bash
# The README's test command. On a fresh Debian machine with the .NET SDK it installs what the gates need
# (Debian's python tools, bubblewrap, the ruff wrapper, Chromium for the HTML report test), builds the solution with warnings as errors, runs every
# test, and ends with the line "N passed, N failed" read from the test results (not from dotnet's console output).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test: the .NET 10 SDK is needed and 'dotnet' is not on PATH." >&2
  exit 2
fi

bash scripts/setup-gates.sh
# The HTML report's test renders the page in Debian's headless Chromium.
bash scripts/setup-browser.sh
# The distributed workers' tests start a NATS JetStream server on loopback.
bash scripts/setup-queue.sh

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet build Factory.sln -c Release -nologo -clp:ErrorsOnly

set +e
dotnet test tests/Factory.Tests/Factory.Tests.csproj -c Release --no-build -nologo \
  --logger "trx;LogFileName=factory-tests.trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" --blame-hang-timeout 10m
status=$?
set -e

passed=0
failed=0
executed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  executed=$((executed + ${e:-0}))
done

echo "$passed passed, $failed failed"
if [ "$executed" -eq 0 ]; then
  echo "test: no test was executed; treating that as a failure." >&2
  exit 1
fi
exit "$status"
