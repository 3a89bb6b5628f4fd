using System.Text.Json;

namespace Factory.Dataflow.Tracing;

/// <summary>One stage-attempt line of trace.jsonl, read back.</summary>
public sealed record StageAttemptRecord(
    string Stage,
    int Attempt,
    string? Model,
    string? ServedBy,
    long TokensIn,
    long TokensOut,
    long Ms,
    int Retries,
    bool EvalOk,
    decimal Cost,
    DateTimeOffset? Timestamp,
    JsonElement Raw)
{
    /// <summary>The size of the prompt the attempt sent, in UTF-8 bytes (BUILD's <c>prompt_bytes</c>), or null when not recorded.</summary>
    public long? PromptBytes { get; init; }

    /// <summary>
    /// User + system CPU milliseconds of the processes the attempt ran (<c>cpu_ms</c>), or null in a trace written before
    /// Factory recorded it.
    /// </summary>
    public long? CpuMs { get; init; }

    /// <summary>When the attempt started: its end time less its duration.</summary>
    public DateTimeOffset? Started => Timestamp - TimeSpan.FromMilliseconds(Ms);

    internal static StageAttemptRecord From(JsonElement line) => new(
        TraceReader.Text(line, "stage") ?? "?",
        (int)TraceReader.Number(line, "attempt"),
        TraceReader.Text(line, "model"),
        TraceReader.Text(line, "served_by"),
        TraceReader.Number(line, "tokens_in"),
        TraceReader.Number(line, "tokens_out"),
        TraceReader.Number(line, "ms"),
        (int)TraceReader.Number(line, "retries"),
        TraceReader.Flag(line, "eval_ok"),
        TraceReader.Money(line, "cost"),
        TraceReader.Time(line, "ts"),
        line)
    {
        PromptBytes = line.TryGetProperty("prompt_bytes", out var bytes) && bytes.ValueKind == JsonValueKind.Number ? bytes.GetInt64() : null,
        CpuMs = line.TryGetProperty("cpu_ms", out var cpu) && cpu.ValueKind == JsonValueKind.Number ? cpu.GetInt64() : null,
    };
}
