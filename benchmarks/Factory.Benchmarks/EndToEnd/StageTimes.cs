using System.Globalization;
using System.Text;
using Factory.Dataflow.Tracing;

namespace Factory.Benchmarks.EndToEnd;

/// <summary>
/// Where each request's time went, per stage, from the runs' trace.jsonl files (<see cref="TraceReader.ReadRuns"/>):
/// accumulated over every measured invocation and printed once into BenchmarkDotNet's log.
/// </summary>
internal sealed class StageTimes
{
    private readonly Dictionary<string, (long Ms, long CpuMs, int Attempts)> _byStage = new(StringComparer.Ordinal);
    private double _requestSeconds;
    private int _requests;
    private TimeSpan _ownCpu;
    private TimeSpan _childrenCpu;
    private int _servedLints;

    /// <summary>Adds one invocation's traces, and the CPU this process and its waited-for children used meanwhile.</summary>
    public void Add(string runsDirectory, TimeSpan ownCpu, TimeSpan childrenCpu)
    {
        _ownCpu += ownCpu;
        _childrenCpu += childrenCpu;
        foreach (var run in TraceReader.ReadRuns(runsDirectory))
        {
            foreach (var attempt in run.Attempts)
            {
                var (ms, cpuMs, attempts) = _byStage.GetValueOrDefault(attempt.Stage);
                _byStage[attempt.Stage] = (ms + attempt.Ms, cpuMs + (attempt.CpuMs ?? 0), attempts + 1);
                if (attempt.Raw.TryGetProperty("lint_served", out var served) && served.ValueKind == System.Text.Json.JsonValueKind.True)
                {
                    _servedLints++;
                }
            }

            _requests++;
            _requestSeconds += run.Final?.Seconds ?? 0;
        }
    }

    /// <summary>The breakdown as log lines, or null when no invocation of the graph ran in this process.</summary>
    public string? Report(string label)
    {
        if (_requests == 0)
        {
            return null;
        }

        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"// {label}: {_requests} requests, {_requestSeconds * 1000 / _requests:0} ms each from acceptance to outcome; per request by stage:\n");
        long stagesCpu = 0;
        foreach (var stage in new[] { "plan", "scout", "build", "validate", "test", "review" })
        {
            var (ms, cpuMs, attempts) = _byStage.GetValueOrDefault(stage);
            stagesCpu += cpuMs;
            text.Append(CultureInfo.InvariantCulture,
                $"//   {stage,-8} {(double)ms / _requests,7:0} ms, cpu {(double)cpuMs / _requests,6:0} ms, in {(double)attempts / _requests:0.00} attempts\n");
        }

        // What the stages' cpu_ms does not see: Factory's own CPU (with the loopback model server and the harness in
        // the same process), and children outside any stage attempt (worktree creation, commits, clean-up).
        text.Append(CultureInfo.InvariantCulture,
            $"//   cpu per request: stages' processes {(double)stagesCpu / _requests:0} ms; this process {_ownCpu.TotalMilliseconds / _requests:0} ms; " +
            $"all waited-for children {_childrenCpu.TotalMilliseconds / _requests:0} ms; VALIDATE lints served by the long-lived ruff: {_servedLints}\n");

        return text.ToString();
    }
}
