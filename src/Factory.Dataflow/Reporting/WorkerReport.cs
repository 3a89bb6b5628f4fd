using System.Text.Json;

namespace Factory.Dataflow.Reporting;

/// <summary>One queue worker's share of a collected runs folder (from each run's outcome.json).</summary>
/// <param name="Worker">The worker's name.</param>
/// <param name="Requests">Outcomes it pushed.</param>
/// <param name="Approved">Of those, approved.</param>
/// <param name="Seconds">Seconds its pipeline spent on them, summed.</param>
public sealed record WorkerReport(string Worker, int Requests, int Approved, double Seconds)
{
    /// <summary>The file a collected run directory holds its outcome record in.</summary>
    public const string OutcomeFileName = "outcome.json";

    /// <summary>Per worker, by name, for the run directories that hold an outcome.json; empty for a local runs folder.</summary>
    public static IReadOnlyList<WorkerReport> FromRunDirectories(IEnumerable<string> runDirectories)
    {
        ArgumentNullException.ThrowIfNull(runDirectories);
        var outcomes = new List<(string Worker, bool Approved, double Seconds)>();
        foreach (var folder in runDirectories)
        {
            var path = Path.Combine(folder, OutcomeFileName);
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(path));
                var root = document.RootElement;
                outcomes.Add((
                    root.TryGetProperty("worker", out var worker) && worker.ValueKind == JsonValueKind.String ? worker.GetString()! : "?",
                    root.TryGetProperty("status", out var status) && status.GetString() == "approved",
                    root.TryGetProperty("seconds", out var seconds) && seconds.ValueKind == JsonValueKind.Number ? seconds.GetDouble() : 0));
            }
            catch (JsonException)
            {
                // An unreadable outcome.json is left out of the per-worker figures; its trace still counts.
            }
        }

        return [.. outcomes
            .GroupBy(o => o.Worker, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new WorkerReport(g.Key, g.Count(), g.Count(o => o.Approved), Math.Round(g.Sum(o => o.Seconds), 3)))];
    }
}
