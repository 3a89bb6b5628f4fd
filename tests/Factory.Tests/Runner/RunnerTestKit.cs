using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Runner;

/// <summary>What the runner tests share: the environment pointing the runner at a test's sample repository.</summary>
internal static class RunnerTestKit
{
    /// <summary>
    /// Keeps the worktrees in the sample's state folder, not in the user's ~/.local/state, and reads the user's
    /// configuration from the sample's own folder (see <see cref="WriteUserSettings"/>), not from ~/.config/factory.
    /// </summary>
    public static Dictionary<string, string> Environment(SampleRepo repo) => new()
    {
        ["Factory__Workspace__StateDirectory"] = repo.StatePath,
        ["XDG_CONFIG_HOME"] = UserConfigurationHome(repo),
    };

    /// <summary>Writes <paramref name="settings"/> as the user's own appsettings.json for runs with <see cref="Environment"/>.</summary>
    public static void WriteUserSettings(SampleRepo repo, object settings)
    {
        var folder = Path.Combine(UserConfigurationHome(repo), "factory");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "appsettings.json"), System.Text.Json.JsonSerializer.Serialize(settings));
    }

    private static string UserConfigurationHome(SampleRepo repo) => Path.Combine(Path.GetDirectoryName(repo.CheckoutPath)!, "config");

    /// <summary>The URL of an Ollama-compatible server that has stopped: the runner's preflight stops there.</summary>
    public static async Task<string> StoppedOllamaAsync()
    {
        var stopped = await FakeOllamaServer.StartAsync();
        var url = stopped.BaseUri.ToString();
        await stopped.StopAsync();
        return url;
    }

    /// <summary>The factory branches of the sample repository.</summary>
    public static IReadOnlyList<string> FactoryBranches(SampleRepo repo) =>
        [.. repo.Git("for-each-ref", "--format=%(refname:short)", "refs/heads/factory/").Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>The worktrees git knows of, besides the checkout itself.</summary>
    public static IReadOnlyList<string> ExtraWorktrees(SampleRepo repo) =>
        [.. repo.Git("worktree", "list", "--porcelain").Split('\n').Where(l => l.StartsWith("worktree ", StringComparison.Ordinal)).Skip(1)];

    /// <summary>The scripted /health request through <c>factory run</c>, approved by the scripted models.</summary>
    public static Task<RunResult> RunHealthAsync(RunnerProcess runner, Dictionary<string, string> environment, SampleRepo repo, FakeOllamaServer ollama) =>
        runner.RunAsync(environment,
            "run", "add a GET /health endpoint returning status ok", "--repo", repo.CheckoutPath, "--runs", repo.RunsPath,
            "--ollama", ollama.BaseUri.ToString(), "--id", "health");
}
