namespace Factory.Dataflow.Reporting;

/// <summary>What happened across a runs folder: per-stage figures, outcomes, and where the pipeline struggled.</summary>
/// <param name="RunsDirectory">The folder read.</param>
/// <param name="Requests">Run directories with a trace.</param>
/// <param name="Unfinished">Runs with no final event (killed, or still running).</param>
/// <param name="Stages">Per stage, in pipeline order; stages that never ran are left out.</param>
/// <param name="Outcomes">Finished requests by outcome ("approved", "rejected", ...).</param>
/// <param name="FlakiestStage">The stage with the highest eval failure rate (more retries break a tie), or null when none failed.</param>
/// <param name="MostBuildAttempts">The request that needed the most BUILD attempts, or null when none ran BUILD.</param>
/// <param name="Problems">Trace lines that could not be read.</param>
public sealed record RunReport(
    string RunsDirectory,
    int Requests,
    int Unfinished,
    IReadOnlyList<StageReport> Stages,
    IReadOnlyDictionary<string, int> Outcomes,
    string? FlakiestStage,
    BuildAttemptsLeader? MostBuildAttempts,
    IReadOnlyList<string> Problems)
{
    /// <summary>BUILD's prompt size per attempt number, first attempt first; empty when no trace recorded it.</summary>
    public IReadOnlyList<PromptSizeReport> BuildPromptBytes { get; init; } = [];

    /// <summary>Per queue worker, when the runs were collected from a shared remote (<c>factory report --remote</c>); else empty.</summary>
    public IReadOnlyList<WorkerReport> Workers { get; init; } = [];
}

/// <summary>The request that needed the most BUILD attempts.</summary>
/// <param name="RequestId">Its id.</param>
/// <param name="BuildAttempts">How many BUILD attempts it made.</param>
/// <param name="Outcome">How it ended, or null when it did not finish.</param>
public sealed record BuildAttemptsLeader(string RequestId, int BuildAttempts, string? Outcome);
