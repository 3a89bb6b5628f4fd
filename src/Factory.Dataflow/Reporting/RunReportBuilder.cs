using Factory.Dataflow.Tracing;

namespace Factory.Dataflow.Reporting;

/// <summary>Computes a <see cref="RunReport"/> from the traces <see cref="TraceReader"/> reads back.</summary>
public static class RunReportBuilder
{
    private static readonly string[] StageOrder = ["plan", "scout", "build", "validate", "test", "review"];

    /// <summary>Reads every run under <paramref name="runsDirectory"/> and reports on them.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static RunReport FromDirectory(string runsDirectory) => FromRuns(runsDirectory, TraceReader.ReadRuns(runsDirectory));

    /// <summary>Reports on <paramref name="runs"/>.</summary>
    public static RunReport FromRuns(string runsDirectory, IReadOnlyList<RunTrace> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var stages = runs
            .SelectMany(r => r.Attempts)
            .GroupBy(a => a.Stage, StringComparer.Ordinal)
            .OrderBy(g => Array.IndexOf(StageOrder, g.Key) is var i && i < 0 ? int.MaxValue : i)
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(Stage)
            .ToList();

        var outcomes = runs
            .Where(r => r.Final is not null)
            .GroupBy(r => r.Final!.Outcome, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        var flakiest = stages
            .Where(s => s.EvalFailures > 0)
            .OrderByDescending(s => s.EvalFailureRate)
            .ThenByDescending(s => s.Retries)
            .FirstOrDefault()?.Stage;

        var leader = runs
            .Select(r => new BuildAttemptsLeader(r.RequestId, BuildAttempts(r), r.Final?.Outcome))
            .Where(l => l.BuildAttempts > 0)
            .OrderByDescending(l => l.BuildAttempts)
            .ThenBy(l => l.RequestId, StringComparer.Ordinal)
            .FirstOrDefault();

        return new RunReport(
            runsDirectory,
            runs.Count,
            runs.Count(r => !r.IsFinished),
            stages,
            outcomes,
            flakiest,
            leader,
            [.. runs.SelectMany(r => r.Problems)])
        {
            BuildPromptBytes = BuildPromptBytes(runs),
            Workers = WorkerReport.FromRunDirectories(runs.Select(r => r.RunDirectory)),
        };
    }

    /// <summary>The nearest-rank percentile of <paramref name="sorted"/> (ascending); 0 for an empty list.</summary>
    public static long Percentile(IReadOnlyList<long> sorted, double percentile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    private static List<PromptSizeReport> BuildPromptBytes(IReadOnlyList<RunTrace> runs) =>
        [.. runs.SelectMany(r => r.Attempts)
            .Where(a => a.Stage == "build" && a.PromptBytes is not null)
            .GroupBy(a => a.Attempt)
            .OrderBy(g => g.Key)
            .Select(g => new PromptSizeReport(g.Key, g.Count(), (long)Math.Round(g.Average(a => a.PromptBytes!.Value)), g.Max(a => a.PromptBytes!.Value)))];

    private static int BuildAttempts(RunTrace run) =>
        run.Final is { } final ? final.BuildAttempts : run.Attempts.Count(a => a.Stage == "build");

    private static StageReport Stage(IGrouping<string, StageAttemptRecord> attempts)
    {
        var durations = attempts.Select(a => a.Ms).Order().ToList();
        var cpu = attempts.Where(a => a.CpuMs is not null).Select(a => a.CpuMs!.Value).ToList();
        return new StageReport(
            attempts.Key,
            durations.Count,
            Percentile(durations, 50),
            Percentile(durations, 95),
            attempts.Sum(a => a.TokensIn),
            attempts.Sum(a => a.TokensOut),
            attempts.Sum(a => a.Cost),
            attempts.Sum(a => a.Retries),
            attempts.Count(a => !a.EvalOk))
        {
            CpuMs = cpu.Count > 0 ? cpu.Sum() : null,
            CpuAttempts = cpu.Count,
        };
    }
}
