using System.Text.Json;

namespace Factory.Tests.Support.FakeOllama;

/// <summary>One HTTP request the fake server received, kept so tests can assert on what was sent.</summary>
public sealed class ReceivedRequest
{
    public ReceivedRequest(string method, string path, string body)
    {
        Method = method;
        Path = path;
        Body = body;
        Json = body.Length == 0 ? null : JsonDocument.Parse(body).RootElement.Clone();
    }

    public string Method { get; }

    public string Path { get; }

    /// <summary>The raw request body.</summary>
    public string Body { get; }

    public JsonElement? Json { get; }

    public string? Model => Json is { } j && j.TryGetProperty("model", out var m) ? m.GetString() : null;

    /// <summary>Ollama streams unless the request says <c>"stream": false</c>.</summary>
    public bool Stream => Json is not { } j || !j.TryGetProperty("stream", out var s) || s.ValueKind != JsonValueKind.False;

    public double? Temperature => Option("temperature")?.GetDouble();

    public int? NumPredict => Option("num_predict")?.GetInt32();

    /// <summary>The raw "format" value ("json", a schema object), or null.</summary>
    public string? Format => Json is { } j && j.TryGetProperty("format", out var f) && f.ValueKind != JsonValueKind.Null
        ? f.ValueKind == JsonValueKind.String ? f.GetString() : f.GetRawText()
        : null;

    /// <summary>The chat messages as (role, content) pairs.</summary>
    public IReadOnlyList<(string Role, string Content)> Messages =>
        Json is { } j && j.TryGetProperty("messages", out var ms)
            ? ms.EnumerateArray()
                .Select(m => (
                    m.GetProperty("role").GetString() ?? "",
                    m.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() ?? "" : ""))
                .ToList()
            : [];

    /// <summary>Every message's content joined, for "does the prompt contain ..." assertions.</summary>
    public string AllText => string.Join("\n", Messages.Select(m => m.Content));

    public bool HasTools => Json is { } j && j.TryGetProperty("tools", out var t) && t.ValueKind == JsonValueKind.Array && t.GetArrayLength() > 0;

    private JsonElement? Option(string name) =>
        Json is { } j && j.TryGetProperty("options", out var o) && o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v)
            ? v
            : null;
}
