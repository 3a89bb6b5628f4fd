using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Factory.Dataflow.Distributed;

/// <summary>
/// <c>outcome.json</c> in a request's outcome ref: how it ended, on which worker, at which delivery. Written once, by
/// the worker whose create-only push won.
/// </summary>
public sealed record OutcomeRecord
{
    /// <summary>The status of an outcome the queue decided without running the pipeline (delivery limit, malformed request).</summary>
    public const string Failed = "failed";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The request id.</summary>
    public required string Id { get; init; }

    /// <summary>What was asked for ("" for a malformed message).</summary>
    public required string Text { get; init; }

    /// <summary>The outcome's name: "approved", "rejected", "failed_in_stage", ..., or <see cref="Failed"/>.</summary>
    public required string Status { get; init; }

    /// <summary>Why it ended this way, or null when approved.</summary>
    public string? Reason { get; init; }

    /// <summary>The stage that failed, or null.</summary>
    public string? FailedStage { get; init; }

    /// <summary>The branch on the remote that holds the approved change, or null.</summary>
    public string? Branch { get; init; }

    /// <summary>The approved change's commit, or null.</summary>
    public string? Commit { get; init; }

    /// <summary>The commit the change was built on, or null when the message did not say.</summary>
    public string? Base { get; init; }

    /// <summary>The worker that pushed this outcome.</summary>
    public required string Worker { get; init; }

    /// <summary>Which delivery of the message this was (1 the first time).</summary>
    public long Delivery { get; init; }

    /// <summary>BUILD attempts.</summary>
    public int BuildAttempts { get; init; }

    /// <summary>Seconds the pipeline spent on the request on this worker.</summary>
    public double Seconds { get; init; }

    /// <summary>Tokens spent by the model calls.</summary>
    public long Tokens { get; init; }

    /// <summary>Cost of the model calls.</summary>
    public decimal Cost { get; init; }

    /// <summary>When the worker finished the request.</summary>
    public DateTimeOffset Finished { get; init; }

    /// <summary>True for an approved request.</summary>
    [JsonIgnore]
    public bool IsApproved => Status == "approved";

    /// <summary>The record of a request the pipeline ran.</summary>
    public static OutcomeRecord From(FeatureOutcome outcome, QueuedRequest request, string? commit, string worker, long delivery, DateTimeOffset finished)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(request);
        return new OutcomeRecord
        {
            Id = request.Id,
            Text = request.Text,
            Status = outcome.StatusName,
            Reason = outcome.IsApproved ? null : outcome.Reason,
            FailedStage = outcome.FailedStage is { } stage && !outcome.IsApproved ? stage.ToTraceName() : null,
            Branch = outcome.IsApproved ? outcome.Branch : null,
            Commit = outcome.IsApproved ? commit : null,
            Base = request.BaseCommit,
            Worker = worker,
            Delivery = delivery,
            BuildAttempts = outcome.BuildAttempts,
            Seconds = Math.Round(outcome.Seconds, 3),
            Tokens = outcome.TokensSpent,
            Cost = outcome.CostSpent,
            Finished = finished,
        };
    }

    /// <summary>The record of a request the queue ended without running it (<see cref="Failed"/>).</summary>
    public static OutcomeRecord Fail(string id, string text, string? baseCommit, string reason, string worker, long delivery, DateTimeOffset finished) => new()
    {
        Id = id,
        Text = text,
        Status = Failed,
        Reason = reason,
        Base = baseCommit,
        Worker = worker,
        Delivery = delivery,
        Finished = finished,
    };

    /// <summary>The JSON of outcome.json.</summary>
    public string Encode() => JsonSerializer.Serialize(this, Json) + "\n";

    /// <summary>Reads outcome.json back.</summary>
    /// <exception cref="JsonException">It is not an outcome record.</exception>
    public static OutcomeRecord Decode(string json) =>
        JsonSerializer.Deserialize<OutcomeRecord>(json, Json) ?? throw new JsonException("outcome.json is JSON null.");

    /// <summary>
    /// A trace.jsonl holding only the final <c>pipeline</c> line, for an outcome the pipeline never ran, so a report
    /// over collected outcomes counts it like any other.
    /// </summary>
    public string FinalTraceLine() => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["stage"] = "pipeline",
        ["request_id"] = Id,
        ["outcome"] = Status,
        ["eval_ok"] = IsApproved,
        ["build_attempts"] = BuildAttempts,
        ["seconds"] = Seconds,
        ["tokens"] = Tokens,
        ["cost"] = Cost,
        ["failed_stage"] = FailedStage,
        ["reason"] = Reason,
        ["branch"] = Branch,
        ["ts"] = Finished.ToString("O", CultureInfo.InvariantCulture),
    }) + "\n";
}
