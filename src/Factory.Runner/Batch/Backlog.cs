using System.Text.Json;
using Factory.Dataflow;
using Factory.Runner.Cli;

namespace Factory.Runner.Batch;

/// <summary>
/// A backlog file: one request a line, either plain text (its id derived from the text) or a JSON object
/// <c>{"id": ..., "request": ...}</c>. Blank lines and lines starting with <c>#</c> are skipped. A line that is not a
/// usable request is a problem with its line number; the others still run.
/// </summary>
internal sealed record Backlog(IReadOnlyList<BacklogEntry> Entries, IReadOnlyList<BacklogProblem> Problems)
{
    public static Backlog Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new RunnerException($"The backlog file '{path}' cannot be read: {exception.Message}\nPass the path of a readable text file, one request a line.", exception);
        }

        var entries = new List<BacklogEntry>();
        var problems = new List<BacklogProblem>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var (request, problem) = line.StartsWith('{') ? FromJson(line) : FromText(line);
            if (problem is not null)
            {
                problems.Add(new BacklogProblem(number, problem));
            }
            else if (seen.TryGetValue(request!.Id, out var first))
            {
                problems.Add(new BacklogProblem(number, $"the id '{request.Id}' was already used on line {first}; ids name branches, so they must be unique"));
            }
            else
            {
                seen[request.Id] = number;
                entries.Add(new BacklogEntry(number, request));
            }
        }

        return new Backlog(entries, problems);
    }

    private static (FeatureRequest? Request, string? Problem) FromText(string line) => (FeatureRequest.FromText(line), null);

    private static (FeatureRequest? Request, string? Problem) FromJson(string line)
    {
        JsonElement json;
        try
        {
            using var document = JsonDocument.Parse(line);
            json = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            return (null, $"not valid JSON ({exception.Message})");
        }

        if (json.ValueKind != JsonValueKind.Object)
        {
            return (null, "a JSON line must be an object {\"id\": ..., \"request\": ...}");
        }

        var text = json.TryGetProperty("request", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, "the JSON object has no \"request\" string");
        }

        if (!json.TryGetProperty("id", out var idElement))
        {
            return (FeatureRequest.FromText(text), null);
        }

        var id = idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : null;
        if (id is null)
        {
            return (null, "\"id\" must be a string");
        }

        return FeatureRequest.ExplainInvalidId(id) is { } why ? (null, $"the id '{id}' is not usable: {why}") : (new FeatureRequest(id, text), null);
    }
}
