using System.CommandLine;

namespace Factory.Runner.Cli;

/// <summary>The options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<string> Repo(bool required) => new("--repo")
    {
        Description = "The git repository to change (read-only: each request works in its own worktree and branch).",
        Required = required,
    };

    public static Option<string> Runs(bool required) => new("--runs")
    {
        Description = "Where each request's run directory (trace.jsonl) goes; a batch also keeps its journal there. Defaults to ./runs.",
        Required = required,
    };

    public static Option<string?> Ollama() => new("--ollama")
    {
        Description = "The Ollama server, e.g. http://localhost:11434 (default: Factory:Ollama:BaseUrl).",
    };

    public static Option<long?> MaxTokens(string description) => new("--max-tokens") { Description = description };

    public static Option<decimal?> MaxCost(string description) => new("--max-cost") { Description = description };

    /// <summary>The value of a budget option, which must be positive when given.</summary>
    public static T? Positive<T>(T? value, string option)
        where T : struct, IComparable<T> =>
        value is { } v && v.CompareTo(default) <= 0 ? throw new RunnerException($"{option} must be positive, not {v}.") : value;

    public static string RequireFolder(string path, string option)
    {
        var full = Path.GetFullPath(path);
        return Directory.Exists(full)
            ? full
            : throw new RunnerException($"{option} {path}: the folder does not exist. Pass the path of a git checkout.");
    }
}
