using System.Text.Json.Serialization;

namespace Factory.Dataflow;

/// <summary>One whole-file write proposed by BUILD or TEST: a repository-relative path and its full new content.</summary>
public sealed record FileEdit(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("content")] string Content);
