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

    public static Option<long?> MaxTokens(string description) => Positive(new Option<long?>("--max-tokens") { Description = description });

    public static Option<decimal?> MaxCost(string description) => Positive(new Option<decimal?>("--max-cost") { Description = description });

    private static Option<T?> Positive<T>(Option<T?> option)
        where T : struct, IComparable<T>
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T?>() is { } value && value.CompareTo(default) <= 0)
            {
                result.AddError($"{option.Name} must be positive, not {value}.");
            }
        });
        return option;
    }

    public static string RequireFolder(string path, string option)
    {
        var full = Path.GetFullPath(path);
        return Directory.Exists(full)
            ? full
            : throw new RunnerException($"{option} {path}: the folder does not exist. Pass the path of a git checkout.");
    }
}
