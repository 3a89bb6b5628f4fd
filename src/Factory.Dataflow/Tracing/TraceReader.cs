using System.Text.Json;

namespace Factory.Dataflow.Tracing;

/// <summary>
/// Reads run directories back: every <c>trace.jsonl</c> under a runs folder, one <see cref="RunTrace"/> each. A torn last
/// line (the process died mid-write) is skipped and reported, never fatal.
/// </summary>
public static class TraceReader
{
    /// <summary>Every run under <paramref name="runsDirectory"/>, ordered by request id.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static IReadOnlyList<RunTrace> ReadRuns(string runsDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runsDirectory);
        if (!Directory.Exists(runsDirectory))
        {
            throw new DirectoryNotFoundException($"The runs folder '{runsDirectory}' does not exist.");
        }

        return Directory.EnumerateDirectories(runsDirectory)
            .Where(d => File.Exists(Path.Combine(d, JsonlTraceSink.FileName)))
            .Order(StringComparer.Ordinal)
            .Select(ReadRun)
            .ToList();
    }

    /// <summary>One run directory's trace.</summary>
    public static RunTrace ReadRun(string runDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runDirectory);
        var path = Path.Combine(runDirectory, JsonlTraceSink.FileName);
        var lines = File.ReadAllLines(path);
        var attempts = new List<StageAttemptRecord>();
        var problems = new List<string>();
        PipelineRecord? final = null;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            JsonElement line;
            try
            {
                using var document = JsonDocument.Parse(lines[i]);
                line = document.RootElement.Clone();
            }
            catch (JsonException exception)
            {
                problems.Add($"{path}:{i + 1}: not JSON ({exception.Message})");
                continue;
            }

            if (Text(line, "stage") == "pipeline")
            {
                final = PipelineRecord.From(line);
            }
            else
            {
                attempts.Add(StageAttemptRecord.From(line));
            }
        }

        return new RunTrace(Path.GetFileName(Path.TrimEndingDirectorySeparator(runDirectory)), runDirectory, attempts, final, problems);
    }

    internal static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static long Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;

    internal static double Real(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;

    internal static decimal Money(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDecimal() : 0m;

    internal static bool Flag(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    internal static DateTimeOffset? Time(JsonElement element, string name) =>
        Text(element, name) is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;
}
