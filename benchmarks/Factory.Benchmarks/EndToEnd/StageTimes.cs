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
    private readonly Dictionary<string, (long Ms, int Attempts)> _byStage = new(StringComparer.Ordinal);
    private double _requestSeconds;
    private int _requests;

    public void Add(string runsDirectory)
    {
        foreach (var run in TraceReader.ReadRuns(runsDirectory))
        {
            foreach (var attempt in run.Attempts)
            {
                var (ms, attempts) = _byStage.GetValueOrDefault(attempt.Stage);
                _byStage[attempt.Stage] = (ms + attempt.Ms, attempts + 1);
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
        foreach (var stage in new[] { "plan", "scout", "build", "validate", "test", "review" })
        {
            var (ms, attempts) = _byStage.GetValueOrDefault(stage);
            text.Append(CultureInfo.InvariantCulture, $"//   {stage,-8} {(double)ms / _requests,7:0} ms in {(double)attempts / _requests:0.00} attempts\n");
        }

        return text.ToString();
    }
}
