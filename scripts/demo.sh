#!/usr/bin/env bash
# The README's first command. On a fresh Debian machine with the .NET 10 SDK it installs what the gates need (see
# scripts/setup-gates.sh), then runs 'factory demo': the sample app in a temporary git repository, two requests through
# the real stages and gates on REPLAYED model replies (no model server needed), then the report.
# Extra arguments go to the demo, e.g. ./scripts/demo.sh --ollama http://localhost:11434 to ask a live Ollama.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "demo: the .NET 10 SDK is needed and 'dotnet' is not on PATH (https://dot.net/download)." >&2
  exit 2
fi

bash scripts/setup-gates.sh
exec dotnet run --project src/Factory.Runner -c Release -- demo "$@"
