#!/usr/bin/env bash
# A cluster on one machine: a NATS JetStream server and a bare git remote on loopback, three 'factory worker'
# processes, a backlog published with 'factory batch --queue --wait' (the demo's two requests, on REPLAYED model
# replies: no model server is needed; the git worktrees, ruff, mypy and pytest are real), then 'factory report
# --remote'. Everything is left in a temporary folder, printed at the end; the server and the workers are stopped.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "cluster-demo: the .NET 10 SDK is needed and 'dotnet' is not on PATH." >&2
  exit 2
fi

bash scripts/setup-gates.sh
bash scripts/setup-queue.sh

work="$(mktemp -d "${TMPDIR:-/tmp}/factory-cluster-XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

echo "cluster-demo: building the runner into $work/bin"
dotnet build src/Factory.Runner -c Release -nologo -v q -o "$work/bin" >/dev/null
runner="$work/bin/Factory.Runner.dll"
factory() { dotnet "$runner" "$@"; }

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
queue="nats://127.0.0.1:$port"
nats-server -js -a 127.0.0.1 -p "$port" -sd "$work/nats" >"$work/nats.log" 2>&1 &
pids+=($!)

# The shared remote: the sample app, one commit on main.
cp -r samples/targetapp "$work/app"
git -C "$work/app" init --quiet --initial-branch=main
git -C "$work/app" add -A
git -C "$work/app" -c user.name=Demo -c user.email=demo@localhost commit --quiet -m "scaffold targetapp"
git clone --quiet --bare "$work/app" "$work/remote.git"
remote="$work/remote.git"

cat >"$work/backlog.jsonl" <<'JSON'
{"id": "demo-version", "request": "add a GET /version endpoint returning status ok"}
{"id": "demo-stats", "request": "add a GET /stats endpoint returning status ok"}
JSON

export CI=true Factory__ReplayCassette="$root/samples/demo/cassette.json"
for i in 1 2 3; do
  # dotnet itself in the background (not the shell function), so $! is the worker's pid and SIGTERM reaches it.
  dotnet "$runner" worker --queue "$queue" --remote "$remote" --name "w$i" --state "$work/w$i" >"$work/w$i.log" 2>&1 &
  pids+=($!)
done
echo "cluster-demo: NATS at $queue, remote $remote, workers w1 w2 w3 (logs in $work/w*.log)"
echo "REPLAY: the model replies come from samples/demo/cassette.json; git, ruff, mypy and pytest are real."

# demo-version is approved after a second BUILD, demo-stats is rejected by REVIEW: exit 1 is the expected end.
status=0
factory batch "$work/backlog.jsonl" --queue "$queue" --remote "$remote" --wait || status=$?
if [ "$status" -ge 2 ]; then
  echo "cluster-demo: the batch failed (exit $status); see the message above and $work/w*.log." >&2
  exit "$status"
fi
factory report --remote "$remote" "$work/collected"
echo
echo "cluster-demo: the remote's refs:"
git -C "$remote" for-each-ref --format='  %(refname)'
cleanup
pids=()
echo "cluster-demo: the workers stopped on SIGTERM:"
tail -n 1 "$work"/w*.log
echo "cluster-demo: everything is in $work"
