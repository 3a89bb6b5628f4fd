using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Runner;

/// <summary>What the runner tests share: the environment pointing the runner at a test's sample repository.</summary>
internal static class RunnerTestKit
{
    /// <summary>Keeps the worktrees in the sample's state folder, not in the user's ~/.local/state.</summary>
    public static Dictionary<string, string> Environment(SampleRepo repo) => new()
    {
        ["Factory__Workspace__StateDirectory"] = repo.StatePath,
    };

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
