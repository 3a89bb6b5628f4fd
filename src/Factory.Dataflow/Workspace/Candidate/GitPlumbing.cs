using System.Text;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// git run against the repository's object store and refs directly (<c>--git-dir</c> = its common dir), never
/// discovered through the worktree's <c>.git</c> file, with a work tree that is either an empty folder of the
/// factory's (so no attributes, ignore rules or filters from the change's files apply) or the worktree when a
/// command must look at it, and an optional temporary index.
/// </summary>
internal sealed class GitPlumbing(RepositoryInfo repository)
{
    public string EmptyWorkTree => Path.Combine(repository.TemporaryDirectory, "no-worktree");

    public Task<string> RunAsync(
        IReadOnlyList<string> arguments,
        CancellationToken cancellationToken,
        string? index = null,
        string? workTree = null,
        ReadOnlyMemory<byte>? input = null)
    {
        var work = workTree ?? EmptyWorkTree;
        Directory.CreateDirectory(work);
        var environment = index is null ? null : new Dictionary<string, string>(StringComparer.Ordinal) { ["GIT_INDEX_FILE"] = index };
        return GitCli.RunAsync(
            work, [$"--git-dir={repository.CommonDirectory}", $"--work-tree={work}", .. arguments], cancellationToken, environment, input);
    }

    /// <summary>Splits git's <c>-z</c> output into its NUL-terminated fields.</summary>
    public static string[] Fields(string output) => output.Split('\0', StringSplitOptions.RemoveEmptyEntries);

    public static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
