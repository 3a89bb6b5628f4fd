using System.Text.Json;

namespace Factory.Dataflow.Tracing;

/// <summary>The final <c>pipeline</c> line of trace.jsonl, read back.</summary>
public sealed record PipelineRecord(
    string Outcome,
    bool EvalOk,
    int BuildAttempts,
    double Seconds,
    long Tokens,
    decimal Cost,
    string? FailedStage,
    string? Reason,
    string? Branch,
    DateTimeOffset? Timestamp,
    JsonElement Raw)
{
    internal static PipelineRecord From(JsonElement line) => new(
        TraceReader.Text(line, "outcome") ?? "?",
        TraceReader.Flag(line, "eval_ok"),
        (int)TraceReader.Number(line, "build_attempts"),
        TraceReader.Real(line, "seconds"),
        TraceReader.Number(line, "tokens"),
        TraceReader.Money(line, "cost"),
        TraceReader.Text(line, "failed_stage"),
        TraceReader.Text(line, "reason"),
        TraceReader.Text(line, "branch"),
        TraceReader.Time(line, "ts"),
        line);
}
