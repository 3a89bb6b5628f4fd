using System.Collections.Concurrent;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// One request's git worktree: jailed writes, confined reads, and a candidate tree built with plumbing that is
/// exactly what the gates saw, what REVIEW's diff shows and what is committed. Settling always ends the workspace:
/// when git fails, the worktree, branch and lock are still removed and the failure is thrown with git's own words.
/// </summary>
internal sealed class GitFeatureWorkspace : IFeatureWorkspace
{
    private const int MaxBaseListings = 64;
    private static readonly ConcurrentDictionary<(string Repository, string Commit), string[]> s_baseFiles = new();
    private readonly RepositoryInfo _repository;
    private readonly string _id;
    private readonly JailedWriter _writer;
    private readonly FileStream _ownerLock;
    private readonly string? _runDirectory;
    private readonly bool _keepFailed;
    private readonly CandidateTree _candidate;
    private readonly GitPlumbing _git;
    private int _settled;
    private TreeDiff? _lastDiff;

    public GitFeatureWorkspace(
        RepositoryInfo repository,
        WorkspaceIdentity identity,
        JailedWriter writer,
        FileStream ownerLock,
        string? runDirectory,
        bool keepFailed,
        int maxFileBytes)
    {
        _repository = repository;
        _id = identity.Id;
        RootPath = identity.Root;
        BranchName = identity.Branch;
        BaseCommit = identity.BaseCommit;
        _writer = writer;
        _ownerLock = ownerLock;
        _runDirectory = runDirectory;
        _keepFailed = keepFailed;
        _candidate = new CandidateTree(repository, identity.Root, identity.BaseCommit, maxFileBytes);
        _git = new GitPlumbing(repository);
    }

    public string RootPath { get; }

    public string BranchName { get; }

    /// <summary>The commit the branch started from.</summary>
    public string BaseCommit { get; }

    public ValueTask<WriteReport> WriteAsync(IReadOnlyList<FileEdit> edits, WriterRole role, CancellationToken cancellationToken)
    {
        ThrowIfSettled();
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_writer.Write(edits, role));
    }

    public async ValueTask<IReadOnlyList<string>> ListFilesAsync(CancellationToken cancellationToken)
    {
        ThrowIfSettled();
        var files = new SortedSet<string>(_writer.Written, StringComparer.Ordinal);
        files.UnionWith(await BaseFilesAsync(cancellationToken).ConfigureAwait(false));
        return [.. files];
    }

    /// <summary>The base commit's regular files, listed once per repository and commit (a commit's tree never changes).</summary>
    private async ValueTask<string[]> BaseFilesAsync(CancellationToken cancellationToken)
    {
        var key = (_repository.CommonDirectory, BaseCommit);
        if (s_baseFiles.TryGetValue(key, out var known))
        {
            return known;
        }

        var listing = await _git.RunAsync(["ls-tree", "-r", "-z", "--full-tree", BaseCommit], cancellationToken).ConfigureAwait(false);
        var files = new List<string>();
        foreach (var record in GitPlumbing.Fields(listing))
        {
            // Regular files only: links (120000) and submodules (160000) are not listed.
            if (record.StartsWith("100644 ", StringComparison.Ordinal) || record.StartsWith("100755 ", StringComparison.Ordinal))
            {
                files.Add(record[(record.IndexOf('\t', StringComparison.Ordinal) + 1)..]);
            }
        }

        return s_baseFiles.Keep(key, [.. files], MaxBaseListings);
    }

    public async ValueTask<IReadOnlyList<string>> GetChangedFilesAsync(CancellationToken cancellationToken)
    {
        ThrowIfSettled();
        var tree = await _candidate.BuildAsync(_writer.Written, refuseForeign: true, cancellationToken).ConfigureAwait(false);
        var status = await _git.RunAsync(["diff-tree", "-r", "-z", "--no-renames", "--name-status", BaseCommit, tree], cancellationToken)
            .ConfigureAwait(false);
        var fields = GitPlumbing.Fields(status);
        var changed = new List<string>();
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            var path = fields[i + 1];
            if (fields[i] is "D")
            {
                continue;
            }

            // Checked again as the jail checks a read: a path git names must still be a regular file beneath the root.
            var entry = WorktreeReader.Find(RootPath, path);
            if (entry.Kind != EntryKind.File || entry.Path != path)
            {
                throw new ConfinedPathException($"git names '{path}' as changed, but it is not a regular file of the worktree.");
            }

            changed.Add(path);
        }

        return changed;
    }

    public async ValueTask<string> GetDiffAsync(CancellationToken cancellationToken)
    {
        ThrowIfSettled();
        var tree = await _candidate.BuildAsync(_writer.Written, refuseForeign: true, cancellationToken).ConfigureAwait(false);
        return await DiffAsync(tree, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<WorkspaceSettlement> SettleAsync(bool approved, string commitMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commitMessage);
        if (approved && string.IsNullOrWhiteSpace(commitMessage))
        {
            throw new ArgumentException("An approved change needs a commit message.", nameof(commitMessage));
        }

        if (Interlocked.Exchange(ref _settled, 1) == 1)
        {
            throw new InvalidOperationException($"The workspace for '{_id}' was settled twice.");
        }

        try
        {
            return await new WorkspaceSettler(this, approved, commitMessage).SettleAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await ReleaseOwnershipAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // A workspace nobody settled (its request failed or was cancelled) is discarded like a rejected one.
            if (Volatile.Read(ref _settled) == 0)
            {
                await SettleAsync(false, "", CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            await ReleaseOwnershipAsync().ConfigureAwait(false);
        }
    }

    internal RepositoryInfo Repository => _repository;

    internal string Id => _id;

    internal string? RunDirectory => _runDirectory;

    internal bool KeepFailed => _keepFailed;

    internal GitPlumbing Git => _git;

    internal Task<string> BuildCandidateAsync(bool refuseForeign, CancellationToken cancellationToken) =>
        _candidate.BuildAsync(_writer.Written, refuseForeign, cancellationToken);

    /// <summary>The diff as text whatever any attributes say: no textconv, no external diff, no binary detection.</summary>
    /// <remarks>
    /// The diff of the base commit against a tree id is a function of the two ids (and the repository's diff settings,
    /// which a request does not change), so the last one is kept: BUILD, the
    /// test writer, TEST, REVIEW and the commit ask for the diff of the same candidate tree several times per request.
    /// </remarks>
    internal async Task<string> DiffAsync(string tree, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _lastDiff) is { } last && last.Tree == tree)
        {
            return last.Diff;
        }

        var diff = await _git.RunAsync(
            ["diff-tree", "-p", "-r", "--text", "--no-textconv", "--no-ext-diff", "--no-color", "--no-renames", "--src-prefix=a/", "--dst-prefix=b/",
             BaseCommit, tree],
            cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _lastDiff, new TreeDiff(tree, diff));
        return diff;
    }

    private async Task ReleaseOwnershipAsync()
    {
        if (_ownerLock.SafeFileHandle.IsClosed)
        {
            return;
        }

        await _ownerLock.DisposeAsync().ConfigureAwait(false);
        File.Delete(_repository.LockPath(_id));
    }

    private void ThrowIfSettled()
    {
        if (Volatile.Read(ref _settled) != 0)
        {
            throw new InvalidOperationException($"The workspace for '{_id}' has been settled; it can no longer be used.");
        }
    }

    private sealed record TreeDiff(string Tree, string Diff);
}
