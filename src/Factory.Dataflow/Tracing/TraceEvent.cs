namespace Factory.Dataflow.Tracing;

/// <summary>One line of trace.jsonl: an ordered set of snake_case fields.</summary>
public sealed class TraceEvent
{
    private readonly List<KeyValuePair<string, object?>> _fields;

    private TraceEvent(string requestId, string stage, List<KeyValuePair<string, object?>> fields)
    {
        RequestId = requestId;
        Stage = stage;
        _fields = fields;
    }

    /// <summary>The request the event belongs to.</summary>
    public string RequestId { get; }

    /// <summary>"plan" ... "review", or "pipeline" for the final event.</summary>
    public string Stage { get; }

    /// <summary>All fields in write order, <c>stage</c> first.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Fields => _fields;

    /// <summary>The value of a field, or null.</summary>
    public object? this[string name] => _fields.FirstOrDefault(f => f.Key == name).Value;

    /// <summary>The event of one stage attempt: the <see cref="StageMetrics"/> fields, the attempt and the extras.</summary>
    public static TraceEvent ForAttempt(
        string requestId, StageMetrics metrics, int attempt, DateTimeOffset timestamp, IEnumerable<KeyValuePair<string, object?>> extras)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(extras);
        var stage = metrics.Stage.ToTraceName();
        var fields = new List<KeyValuePair<string, object?>>(16)
        {
            new("stage", stage),
            new("attempt", attempt),
            new("model", metrics.Model),
            new("served_by", metrics.ServedBy),
            new("tokens_in", metrics.TokensIn),
            new("tokens_out", metrics.TokensOut),
            new("ms", metrics.Ms),
            new("cpu_ms", metrics.CpuMs),
            new("retries", metrics.Retries),
            new("eval_ok", metrics.EvalOk),
        };
        if (metrics.CpuUnmeasured > 0)
        {
            fields.Add(new("cpu_unmeasured", metrics.CpuUnmeasured));
        }

        AppendExtras(fields, extras);
        fields.Add(new("ts", timestamp));
        return new TraceEvent(requestId, stage, fields);
    }

    /// <summary>The final event of a request.</summary>
    public static TraceEvent ForOutcome(FeatureOutcome outcome, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var fields = new List<KeyValuePair<string, object?>>(12)
        {
            new("stage", "pipeline"),
            new("request_id", outcome.Request.Id),
            new("eval_ok", outcome.IsApproved),
            new("outcome", outcome.StatusName),
            new("build_attempts", outcome.BuildAttempts),
            new("seconds", Math.Round(outcome.Seconds, 3)),
            new("tokens", outcome.TokensSpent),
            new("cost", outcome.CostSpent),
        };
        if (outcome.FailedStage is { } failed)
        {
            fields.Add(new("failed_stage", failed.ToTraceName()));
        }

        if (outcome.Reason is { } reason)
        {
            fields.Add(new("reason", reason));
        }

        if (outcome.Branch is { } branch)
        {
            fields.Add(new("branch", branch));
        }

        fields.Add(new("ts", timestamp));
        return new TraceEvent(outcome.Request.Id, "pipeline", fields);
    }

    private static void AppendExtras(List<KeyValuePair<string, object?>> fields, IEnumerable<KeyValuePair<string, object?>> extras)
    {
        foreach (var extra in extras)
        {
            // The metrics fields are the contract; an extra never overwrites one of them.
            if (!fields.Exists(f => f.Key == extra.Key))
            {
                fields.Add(extra);
            }
        }
    }
}
