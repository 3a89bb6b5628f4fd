using System.Text.Json;

namespace Factory.Tests.Support;

/// <summary>Reads a trace.jsonl back, one parsed JSON object per line.</summary>
internal static class TraceFile
{
    public static IReadOnlyList<JsonElement> Read(string runDirectory)
    {
        var path = System.IO.Path.Combine(runDirectory, "trace.jsonl");
        return File.ReadAllLines(path)
            .Where(line => line.Length > 0)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();
    }

    public static IReadOnlyList<string> Stages(IReadOnlyList<JsonElement> events) =>
        events.Select(e => e.GetProperty("stage").GetString()!).ToList();
}
