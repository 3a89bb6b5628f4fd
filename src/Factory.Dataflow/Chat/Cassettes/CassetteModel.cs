using System.Text.Json;
using System.Text.Json.Serialization;

namespace Factory.Dataflow.Chat.Cassettes;

/// <summary>A cassette file: every model request of a run and the reply it got, in the order they were made.</summary>
public sealed class CassetteFile
{
    /// <summary>The format marker, so an unrelated JSON file is not replayed by mistake.</summary>
    public const string CurrentFormat = "factory-cassette/1";

    /// <summary>The format marker.</summary>
    [JsonPropertyName("format")]
    public string Format { get; set; } = CurrentFormat;

    /// <summary>The recorded calls.</summary>
    [JsonPropertyName("entries")]
    public List<CassetteEntry> Entries { get; set; } = [];
}

/// <summary>One recorded call.</summary>
public sealed class CassetteEntry
{
    /// <summary>What was asked.</summary>
    [JsonPropertyName("request")]
    public CassetteRequest Request { get; set; } = new();

    /// <summary>What came back.</summary>
    [JsonPropertyName("response")]
    public CassetteResponse Response { get; set; } = new();
}

/// <summary>A recorded request: the settings that shape a reply, and the conversation.</summary>
public sealed class CassetteRequest
{
    /// <summary>The model asked.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    /// <summary>The temperature asked for.</summary>
    [JsonPropertyName("temperature")]
    public float? Temperature { get; set; }

    /// <summary>The output cap asked for.</summary>
    [JsonPropertyName("max_output_tokens")]
    public int? MaxOutputTokens { get; set; }

    /// <summary>"json" for JSON mode, "text", or null.</summary>
    [JsonPropertyName("response_format")]
    public string? ResponseFormat { get; set; }

    /// <summary>Names of the tools offered.</summary>
    [JsonPropertyName("tools")]
    public List<string> Tools { get; set; } = [];

    /// <summary>The conversation.</summary>
    [JsonPropertyName("messages")]
    public List<CassetteMessage> Messages { get; set; } = [];
}

/// <summary>A recorded chat message.</summary>
public sealed class CassetteMessage
{
    /// <summary>system, user, assistant or tool.</summary>
    [JsonPropertyName("role")]
    public string Role { get; set; } = "";

    /// <summary>The message's parts.</summary>
    [JsonPropertyName("parts")]
    public List<CassettePart> Parts { get; set; } = [];
}

/// <summary>A part of a message: text, a tool call or a tool result.</summary>
public sealed class CassettePart
{
    /// <summary>"text", "call" or "result".</summary>
    [JsonPropertyName("type")]
    public string Type { get; set; } = "text";

    /// <summary>The text of a text part, or a tool result rendered as text.</summary>
    [JsonPropertyName("text")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Text { get; set; }

    /// <summary>The call id of a call or result.</summary>
    [JsonPropertyName("call_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CallId { get; set; }

    /// <summary>The tool name of a call.</summary>
    [JsonPropertyName("name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; set; }

    /// <summary>The arguments of a call.</summary>
    [JsonPropertyName("arguments")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Arguments { get; set; }
}

/// <summary>A recorded reply, with the server's usage figures.</summary>
public sealed class CassetteResponse
{
    /// <summary>The model that answered.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    /// <summary>The endpoint that answered when recorded.</summary>
    [JsonPropertyName("served_by")]
    public string? ServedBy { get; set; }

    /// <summary>The reply's message.</summary>
    [JsonPropertyName("message")]
    public CassetteMessage Message { get; set; } = new();

    /// <summary>Prompt tokens, as the server reported them.</summary>
    [JsonPropertyName("input_tokens")]
    public long? InputTokens { get; set; }

    /// <summary>Completion tokens, as the server reported them.</summary>
    [JsonPropertyName("output_tokens")]
    public long? OutputTokens { get; set; }

    /// <summary>Why the reply ended ("stop", "length", ...).</summary>
    [JsonPropertyName("finish_reason")]
    public string? FinishReason { get; set; }
}
