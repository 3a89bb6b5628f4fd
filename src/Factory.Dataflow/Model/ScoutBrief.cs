using System.Text.Json.Serialization;

namespace Factory.Dataflow;

/// <summary>
/// SCOUT's output: the files BUILD should touch, the conventions to follow, and code to reuse; for long files, the regions
/// BUILD must see; and the project's framework and test conventions, which TEST's prompt uses.
/// </summary>
public sealed record ScoutBrief(
    [property: JsonPropertyName("files")] IReadOnlyList<string> Files,
    [property: JsonPropertyName("conventions")] IReadOnlyList<string> Conventions,
    [property: JsonPropertyName("prior_art")] IReadOnlyList<string> PriorArt)
{
    /// <summary>Line ranges of the cited files BUILD must see (the place the change goes, the code it reuses).</summary>
    [JsonPropertyName("regions")]
    public IReadOnlyList<FileRegion> Regions { get; init; } = [];

    /// <summary>The web framework the project uses ("FastAPI", "Flask", "Django"), or null for none.</summary>
    [JsonPropertyName("framework")]
    public string? Framework { get; init; }

    /// <summary>How the project's tests are written: where they live, the fixtures they use, how they reach the code.</summary>
    [JsonPropertyName("test_conventions")]
    public IReadOnlyList<string> TestConventions { get; init; } = [];
}
