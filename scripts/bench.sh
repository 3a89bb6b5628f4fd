#!/usr/bin/env bash
# Runs the benchmarks. Usage:
#   scripts/bench.sh            # every question, short runs (the figures in docs/benchmarks.md), about 25 minutes
#   scripts/bench.sh ci         # build, then a dry run of questions 1 to 4 in 2 to 3 minutes (what CI runs)
#   scripts/bench.sh <filter>   # short runs of the classes matching a BenchmarkDotNet filter, e.g. '*Pipelining*'
# Figures are written to BenchmarkDotNet.Artifacts/results/. Note the machine's load (uptime) next to any figure.
set -euo pipefail
cd "$(dirname "$0")/.."

project=benchmarks/Factory.Benchmarks
dotnet build "$project" -c Release --nologo -v quiet
run() { dotnet run -c Release --project "$project" --no-build -- "$@"; }

echo "load before: $(uptime)"
case "${1:-all}" in
  ci)
    # One cheap case per question 1 to 4 proves each still runs (question 3 skips itself when the gates are not
    # installed). Question 5 only builds: even its cheapest case takes 1.5 minutes dry (4 real requests).
    run --job dry --filter '*GraphOverheadBenchmarks*' '*PipeliningBenchmarks.Sequential' '*ScalingBenchmarks.Limit8' \
      '*GateCostBenchmarks.PytestPlain'
    ;;
  all)
    # Nanosecond-scale: BenchmarkDotNet's short job (3 warm-ups, 3 iterations, many invocations each).
    run --job short --filter '*GraphOverheadBenchmarks*'
    # Seconds per invocation: one invocation an iteration, one warm-up, three measured iterations.
    run --job short --strategy Monitoring --warmupCount 1 --iterationCount 3 \
      --filter '*PipeliningBenchmarks*' '*ScalingBenchmarks*' '*GateCostBenchmarks*' '*EndToEndBenchmarks*'
    # Question 6 starts its own worker processes and nats-server (scripts/setup-queue.sh); in-process toolchain.
    run --job short --strategy Monitoring --warmupCount 1 --iterationCount 3 --inProcess --filter '*QueueThroughputBenchmarks*'
    ;;
  *)
    run --job short --strategy Monitoring --warmupCount 1 --iterationCount 3 --filter "$@"
    ;;
esac
echo "load after: $(uptime)"
