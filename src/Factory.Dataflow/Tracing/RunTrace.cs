namespace Factory.Dataflow.Tracing;

/// <summary>One request's trace as read back from its run directory.</summary>
/// <param name="RequestId">The run directory's name, which is the request id.</param>
/// <param name="RunDirectory">The run directory.</param>
/// <param name="Attempts">Every stage attempt, in the order written.</param>
/// <param name="Final">The final <c>pipeline</c> event, or null when the run never finished (it was killed).</param>
/// <param name="Problems">Lines that could not be read, with file and line number.</param>
public sealed record RunTrace(
    string RequestId,
    string RunDirectory,
    IReadOnlyList<StageAttemptRecord> Attempts,
    PipelineRecord? Final,
    IReadOnlyList<string> Problems)
{
    /// <summary>True when the run wrote its final event.</summary>
    public bool IsFinished => Final is not null;
}
