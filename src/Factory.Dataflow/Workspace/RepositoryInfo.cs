namespace Factory.Dataflow.Workspace;

/// <summary>What the provider learned about the user's repository at start, and where it keeps its own state.</summary>
/// <param name="TopLevel">The checkout's root (resolved).</param>
/// <param name="CommonDirectory">The repository's git common dir (resolved): the key for the per-repository lock.</param>
/// <param name="StateDirectory">The factory's folder for this repository, outside the checkout.</param>
/// <param name="IdentityArguments">git -c options giving commits an author when the repository has no user.name/email.</param>
internal sealed record RepositoryInfo(
    string TopLevel, string CommonDirectory, string StateDirectory, IReadOnlyList<string> IdentityArguments)
{
    /// <summary>The name of the folder in the state folder that holds every request's worktree (the sandbox hides it but for the run's own).</summary>
    public const string WorktreesFolderName = "worktrees";

    public string WorktreesDirectory => Path.Combine(StateDirectory, WorktreesFolderName);

    /// <summary>
    /// The worktrees folder holding <paramref name="folder"/> when it is one of the factory's worktrees (directly inside a
    /// folder named <see cref="WorktreesFolderName"/>); null for any other folder (a base commit's export, a test's folder).
    /// The sandbox hides that folder but for the run's own worktree, and the warm pytest serves one per folder.
    /// </summary>
    public static string? WorktreesFolderOf(string folder)
    {
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        return parent is not null && parent != "/" && Path.GetFileName(parent) == WorktreesFolderName ? parent : null;
    }

    public string LocksDirectory => Path.Combine(StateDirectory, "locks");

    public string TemporaryDirectory => Path.Combine(StateDirectory, "tmp");

    public string LockPath(string id) => Path.Combine(LocksDirectory, id + ".lock");

    public string KeptMarkerPath(string id) => Path.Combine(LocksDirectory, id + ".kept");
}
