using System.Text.Json.Serialization;
using Factory.Dataflow.Tracing;

namespace Factory.Dataflow.Reporting.Html;

/// <summary>
/// The report's data as the page's script reads it: per run, each attempt's offset from the run's start and its
/// duration, so the page needs no date arithmetic. Offsets come from the trace's timestamps; a trace without them is
/// laid out attempt after attempt.
/// </summary>
internal sealed record ReportModel(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("generated")] string Generated,
    [property: JsonPropertyName("stages")] IReadOnlyList<string> Stages,
    [property: JsonPropertyName("maxTimelineRows")] int MaxTimelineRows,
    [property: JsonPropertyName("runs")] IReadOnlyList<ReportModel.Run> Runs,
    [property: JsonPropertyName("problems")] IReadOnlyList<string> Problems,
    [property: JsonPropertyName("workers")] IReadOnlyList<ReportModel.Worker> Workers)
{
    private static readonly string[] PipelineOrder = ["plan", "scout", "build", "validate", "test", "review"];

    public static ReportModel From(IReadOnlyList<RunTrace> runs, HtmlReportOptions options)
    {
        // Known stages in pipeline order, then any custom stage names the traces hold, in order of appearance.
        var seen = runs.SelectMany(r => r.Attempts).Select(a => a.Stage).Distinct(StringComparer.Ordinal).ToList();
        var stages = PipelineOrder.Where(seen.Contains).Concat(seen.Where(s => !PipelineOrder.Contains(s))).ToList();
        return new ReportModel(
            options.Title,
            options.TimeProvider.GetUtcNow().ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
            stages,
            options.MaxTimelineRows,
            [.. runs.Select(ToRun)],
            [.. runs.SelectMany(r => r.Problems)],
            [.. WorkerReport.FromRunDirectories(runs.Select(r => r.RunDirectory)).Select(w => new Worker(w.Worker, w.Requests, w.Approved, w.Seconds))]);
    }

    private static Run ToRun(RunTrace trace)
    {
        var starts = trace.Attempts.Select(a => a.Started).Where(s => s is not null).Select(s => s!.Value).ToList();
        if (trace.Final is { Timestamp: { } end } final)
        {
            starts.Add(end - TimeSpan.FromSeconds(final.Seconds));
        }

        DateTimeOffset? origin = starts.Count > 0 ? starts.Min() : null;
        var attempts = new List<Attempt>(trace.Attempts.Count);
        double cursor = 0;
        foreach (var a in trace.Attempts)
        {
            var start = origin is { } o && a.Started is { } s ? (s - o).TotalMilliseconds : cursor;
            attempts.Add(new Attempt(a.Stage, a.Attempt, Math.Max(0, start), a.Ms, a.CpuMs, a.EvalOk, a.Retries, a.TokensIn + a.TokensOut, a.Model, a.PromptBytes));
            cursor = Math.Max(cursor, start + a.Ms);
        }

        var seconds = trace.Final?.Seconds ?? cursor / 1000;
        return new Run(trace.RequestId, trace.Final?.Outcome, seconds, trace.Final?.BuildAttempts ?? 0, trace.Final?.Tokens ?? 0, trace.Final?.Reason, attempts);
    }

    /// <summary>One request: <c>outcome</c> is null when the run never wrote its final event.</summary>
    internal sealed record Run(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("outcome")] string? Outcome,
        [property: JsonPropertyName("seconds")] double Seconds,
        [property: JsonPropertyName("buildAttempts")] int BuildAttempts,
        [property: JsonPropertyName("tokens")] long Tokens,
        [property: JsonPropertyName("reason")] string? Reason,
        [property: JsonPropertyName("attempts")] IReadOnlyList<Attempt> Attempts);

    /// <summary>One queue worker's share, when the runs were collected from a shared remote.</summary>
    internal sealed record Worker(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("requests")] int Requests,
        [property: JsonPropertyName("approved")] int Approved,
        [property: JsonPropertyName("seconds")] double Seconds);

    /// <summary>
    /// One stage attempt: <c>start</c> is ms from the run's start; <c>cpuMs</c> the CPU of the processes it ran (null in
    /// older traces); <c>promptBytes</c> is BUILD's prompt size, or null.
    /// </summary>
    internal sealed record Attempt(
        [property: JsonPropertyName("stage")] string Stage,
        [property: JsonPropertyName("attempt")] int Number,
        [property: JsonPropertyName("start")] double Start,
        [property: JsonPropertyName("ms")] long Ms,
        [property: JsonPropertyName("cpuMs")] long? CpuMs,
        [property: JsonPropertyName("ok")] bool Ok,
        [property: JsonPropertyName("retries")] int Retries,
        [property: JsonPropertyName("tokens")] long Tokens,
        [property: JsonPropertyName("model")] string? Model,
        [property: JsonPropertyName("promptBytes")] long? PromptBytes);
}
