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

    public static Option<string[]> Set() => new("--set")
    {
        Description = "Set any setting for this command, e.g. --set Factory:Stages:Build:Model=qwen2.5-coder:14b (repeatable). " +
            "The only place besides your own configuration file for settings that weaken the sandbox.",
        HelpName = "KEY=VALUE",
    };

    /// <summary>The <c>--set KEY=VALUE</c> values as configuration keys ('__' may stand for ':', as in environment variables).</summary>
    public static IReadOnlyList<KeyValuePair<string, string?>> Settings(string[]? values) =>
    [
        .. (values ?? []).Select(value => value.Split('=', 2) is [{ Length: > 0 } key, var setting] && !string.IsNullOrWhiteSpace(key)
            ? new KeyValuePair<string, string?>(key.Trim().Replace("__", ":", StringComparison.Ordinal), setting)
            : throw new RunnerException($"--set {value}: expected KEY=VALUE, e.g. --set Factory:Stages:Build:Model=qwen2.5-coder:14b.")),
    ];

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
