using System.Text.Json.Serialization;

namespace Factory.Dataflow;

/// <summary>SCOUT's output: the files BUILD should touch, the conventions to follow, and code to reuse.</summary>
public sealed record ScoutBrief(
    [property: JsonPropertyName("files")] IReadOnlyList<string> Files,
    [property: JsonPropertyName("conventions")] IReadOnlyList<string> Conventions,
    [property: JsonPropertyName("prior_art")] IReadOnlyList<string> PriorArt);
