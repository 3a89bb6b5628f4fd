using System.Text.Json.Serialization;

namespace Factory.Runner.Batch;

/// <summary>One line of a batch journal.</summary>
internal sealed record JournalRecord
{
    public const string Started = "started";
    public const string Finished = "finished";
    public const string Interrupted = "interrupted";

    /// <summary>"started", "finished" or "interrupted".</summary>
    [JsonPropertyName("event")]
    public required string Event { get; init; }

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>For "finished": the outcome's trace name.</summary>
    [JsonPropertyName("outcome")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Outcome { get; init; }

    [JsonPropertyName("tokens")]
    public long Tokens { get; init; }

    [JsonPropertyName("cost")]
    public decimal Cost { get; init; }

    [JsonPropertyName("branch")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Branch { get; init; }

    /// <summary>Why it ended so, or why it was interrupted; for a recovered outcome, where it was recovered from.</summary>
    [JsonPropertyName("reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    [JsonPropertyName("ts")]
    public DateTimeOffset Timestamp { get; init; }
}
