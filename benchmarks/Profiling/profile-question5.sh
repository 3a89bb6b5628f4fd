#!/bin/bash
# Profiles question 5's graph run (issue 15 item 5, docs/benchmarks.md section 7): not a measurement, the tracing
# slows it. Runs the built benchmark in-process (both ServeRuff values: 2 x (1 setup + 30) = 62 requests) under
#   perf: CPU samples of every process at 499 Hz with call graphs, .NET frames named through the perf map;
#   strace (optional, second pass, FACTORY_PROFILE_STRACE=1): every execve, to count processes per request.
# Then prints CPU per request by process name and thread, and processes per request by program and git subcommand.
# Usage: benchmarks/Profiling/profile-question5.sh OUT_DIR   (after dotnet build Factory.sln -c Release; as root)
set -euo pipefail
out=${1:?usage: $0 OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$out"
bench=(dotnet "$root/benchmarks/Factory.Benchmarks/bin/Release/net10.0/Factory.Benchmarks.dll" --inProcess --job short
       --strategy Monitoring --warmupCount 0 --iterationCount 1 --filter '*EndToEndBenchmarks.Graph*')
requests=62
uptime | tee "$out/uptime"
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 \
  perf record -q -e cpu-clock -F 499 -g -o "$out/perf.data" -- "${bench[@]}" > "$out/bench.log" 2>&1
perf script -i "$out/perf.data" -F comm,tid,ip,sym,dso 2>/dev/null > "$out/perf.txt"
python3 "$here/cpu_by_process.py" "$out/perf.txt" "$requests" | tee "$out/cpu.txt"
if [ "${FACTORY_PROFILE_STRACE:-0}" = 1 ]; then
  strace -f --seccomp-bpf -qq -e trace=execve -e signal=none -o "$out/strace.txt" -- "${bench[@]}" > "$out/bench-strace.log" 2>&1
  python3 "$here/count_execs.py" "$out/strace.txt" "$requests" | tee "$out/processes.txt"
fi
uptime | tee -a "$out/uptime"
grep -h "question 5\|cpu per request" "$out/bench.log" || true
