namespace Factory.Dataflow.Workspace;

/// <summary>One request's git worktree: jailed writes, a diff that includes new files, and a commit or a clean discard at the end.</summary>
internal sealed class GitFeatureWorkspace : IFeatureWorkspace
{
    private readonly RepositoryInfo _repository;
    private readonly string _id;
    private readonly string _baseCommit;
    private readonly JailedWriter _writer;
    private readonly FileStream _ownerLock;
    private readonly string? _runDirectory;
    private readonly bool _keepFailed;
    private int _settled;

    public GitFeatureWorkspace(
        RepositoryInfo repository,
        string id,
        string root,
        string branch,
        string baseCommit,
        JailedWriter writer,
        FileStream ownerLock,
        string? runDirectory,
        bool keepFailed)
    {
        _repository = repository;
        _id = id;
        RootPath = root;
        BranchName = branch;
        _baseCommit = baseCommit;
        _writer = writer;
        _ownerLock = ownerLock;
        _runDirectory = runDirectory;
        _keepFailed = keepFailed;
    }

    public string RootPath { get; }

    public string BranchName { get; }

    /// <summary>The commit the branch started from.</summary>
    public string BaseCommit => _baseCommit;

    public ValueTask<WriteReport> WriteAsync(IReadOnlyList<FileEdit> edits, WriterRole role, CancellationToken cancellationToken)
    {
        ThrowIfSettled();
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_writer.Write(edits, role));
    }

    public async ValueTask<string> GetDiffAsync(CancellationToken cancellationToken)
    {
        ThrowIfSettled();

        // Stage everything into a throwaway index, so new untracked files show in the diff while the worktree's own
        // index (and the user's) stay as they are.
        var index = Path.Combine(_repository.TemporaryDirectory, $"{_id}-{Guid.NewGuid():N}.index");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["GIT_INDEX_FILE"] = index };
        try
        {
            await GitCli.RunAsync(RootPath, ["read-tree", _baseCommit], cancellationToken, environment).ConfigureAwait(false);
            await GitCli.RunAsync(RootPath, ["add", "--all", "--", "."], cancellationToken, environment).ConfigureAwait(false);
            return await GitCli.RunAsync(
                RootPath,
                ["diff", "--cached", "--binary", "--no-color", "--no-ext-diff", "--no-textconv", _baseCommit, "--"],
                cancellationToken,
                environment).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(index);
            File.Delete(index + ".lock");
        }
    }

    public async ValueTask<WorkspaceSettlement> SettleAsync(bool approved, string commitMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commitMessage);
        if (approved && string.IsNullOrWhiteSpace(commitMessage))
        {
            throw new ArgumentException("An approved change needs a commit message.", nameof(commitMessage));
        }

        ThrowIfSettled();
        var diff = await GetDiffAsync(cancellationToken).ConfigureAwait(false);
        if (Interlocked.Exchange(ref _settled, 1) == 1)
        {
            throw new InvalidOperationException($"The workspace for '{_id}' was settled twice.");
        }

        try
        {
            return approved
                ? await CommitAsync(diff, commitMessage, cancellationToken).ConfigureAwait(false)
                : await DiscardAsync(diff, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await ReleaseOwnershipAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A workspace nobody settled (its request failed or was cancelled) is discarded like a rejected one.
        if (Volatile.Read(ref _settled) == 0)
        {
            await SettleAsync(false, "", CancellationToken.None).ConfigureAwait(false);
        }

        await ReleaseOwnershipAsync().ConfigureAwait(false);
    }

    private async Task<WorkspaceSettlement> CommitAsync(string diff, string message, CancellationToken cancellationToken)
    {
        await GitCli.RunAsync(RootPath, ["add", "--all", "--", "."], cancellationToken).ConfigureAwait(false);
        string commit;
        using (await RepositoryLocks.AcquireAsync(_repository.CommonDirectory, cancellationToken).ConfigureAwait(false))
        {
            // --allow-empty: an approved request always ends as exactly one commit on its branch.
            await GitCli.RunAsync(
                RootPath,
                [.. _repository.IdentityArguments, "commit", "--quiet", "--no-verify", "--allow-empty", "-m", message],
                cancellationToken).ConfigureAwait(false);
            commit = (await GitCli.RunAsync(RootPath, ["rev-parse", "HEAD"], cancellationToken).ConfigureAwait(false)).Trim();
            await RemoveWorktreeAsync(cancellationToken).ConfigureAwait(false);
        }

        return new WorkspaceSettlement(BranchName, commit, diff.Length == 0 ? null : diff);
    }

    private async Task<WorkspaceSettlement> DiscardAsync(string diff, CancellationToken cancellationToken)
    {
        if (_runDirectory is not null && diff.Length > 0)
        {
            Directory.CreateDirectory(_runDirectory);
            await File.WriteAllTextAsync(Path.Combine(_runDirectory, "failed.diff"), diff, cancellationToken).ConfigureAwait(false);
        }

        if (_keepFailed)
        {
            // The marker tells the next start-up's clean-up to leave this worktree and branch alone.
            await File.WriteAllTextAsync(_repository.KeptMarkerPath(_id), RootPath + "\n", cancellationToken).ConfigureAwait(false);
            return new WorkspaceSettlement(BranchName, null, diff.Length == 0 ? null : diff);
        }

        using (await RepositoryLocks.AcquireAsync(_repository.CommonDirectory, cancellationToken).ConfigureAwait(false))
        {
            await RemoveWorktreeAsync(cancellationToken).ConfigureAwait(false);
            await GitCli.RunAsync(_repository.TopLevel, ["branch", "-D", "--quiet", BranchName], cancellationToken).ConfigureAwait(false);
        }

        return new WorkspaceSettlement(null, null, diff.Length == 0 ? null : diff);
    }

    private async Task RemoveWorktreeAsync(CancellationToken cancellationToken) =>
        await GitCli.RunAsync(_repository.TopLevel, ["worktree", "remove", "--force", "--force", RootPath], cancellationToken).ConfigureAwait(false);

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
}
