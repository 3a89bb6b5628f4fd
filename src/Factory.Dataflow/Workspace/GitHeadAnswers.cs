using System.Collections.Concurrent;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// git's answers to "which commit and tree is HEAD" and "which is the common git folder" for a worktree, kept so that
/// the next worktree of the same repository on the same commit is answered from git's files (<see cref="GitHeadFile"/>)
/// with no git process. Each gate of every request asks both; a request's worktree stays on its base commit.
/// </summary>
/// <remarks>
/// An answer is reused only when git itself gave it for the same facts the files show now: HEAD's object id as git
/// named it (unpeeled, so a branch pointing at a tag is recognised too) in the same common folder as the files name it.
/// Objects never change, so a commit's tree is the same for every worktree of the repository; a commit that moves HEAD
/// shows a new id and asks git again. Whatever the files do not show for sure (reftable, a symbolic ref outside
/// <c>refs/heads</c>, a subfolder, ...) asks git every time, as before. Not seen: <c>git replace</c> refs created while
/// the process runs (Factory creates none).
/// </remarks>
internal sealed class GitHeadAnswers
{
    private const int MaxCached = 256;
    private readonly ConcurrentDictionary<(string CommonDirectory, string Head), (string Commit, string Tree)> _heads = new();
    private readonly ConcurrentDictionary<string, string> _commonDirectories = new(StringComparer.Ordinal);
    private int _gitRuns;

    /// <summary>The answers every gate of the process shares.</summary>
    public static GitHeadAnswers Shared { get; } = new();

    /// <summary>How many git processes this instance has started (a test's window on what was answered from the files).</summary>
    public int GitRuns => Volatile.Read(ref _gitRuns);

    /// <summary>HEAD's commit and that commit's tree in <paramref name="worktree"/>, as <c>git rev-parse HEAD^{commit} HEAD^{tree}</c> names them.</summary>
    /// <exception cref="GitCommandException">git failed (no commit, not a repository).</exception>
    public async Task<(string Commit, string Tree)> HeadAsync(string worktree, CancellationToken cancellationToken)
    {
        var common = GitHeadFile.TryReadCommonDirectory(worktree);
        var head = GitHeadFile.TryRead(worktree);
        if (common is not null && head is not null && _heads.TryGetValue((common, head), out var known))
        {
            return known;
        }

        Interlocked.Increment(ref _gitRuns);
        var lines = (await GitCli.RunAsync(worktree, ["rev-parse", "HEAD", "HEAD^{commit}", "HEAD^{tree}"], cancellationToken).ConfigureAwait(false))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var answer = (lines[1], lines[2]);

        // Kept only when git named the id the files named, in the folder they still name: HEAD did not move meanwhile.
        if (common is not null && head == lines[0] && GitHeadFile.TryReadCommonDirectory(worktree) == common)
        {
            _heads.Keep((common, head), answer, MaxCached);
        }

        return answer;
    }

    /// <summary>The git common folder of <paramref name="worktree"/>, as <c>git rev-parse --path-format=absolute --git-common-dir</c> names it.</summary>
    /// <exception cref="GitCommandException">git failed (not a repository).</exception>
    public async Task<string> CommonDirectoryAsync(string worktree, CancellationToken cancellationToken)
    {
        // git's spelling resolves symbolic links; the files' spelling is the key that recognises the same folder again.
        var common = GitHeadFile.TryReadCommonDirectory(worktree);
        if (common is not null && _commonDirectories.TryGetValue(common, out var known))
        {
            return known;
        }

        Interlocked.Increment(ref _gitRuns);
        var answer = (await GitCli.RunAsync(worktree, ["rev-parse", "--path-format=absolute", "--git-common-dir"], cancellationToken)
            .ConfigureAwait(false)).Trim();
        if (common is not null && GitHeadFile.TryReadCommonDirectory(worktree) == common)
        {
            _commonDirectories.Keep(common, answer, MaxCached);
        }

        return answer;
    }
}
