using Factory.Tests.Support;

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
}
