namespace Factory.Dataflow.Workspace;

/// <summary>One request's isolated copy of the target repository, written only through the jailed writer.</summary>
public interface IFeatureWorkspace : IAsyncDisposable
{
    /// <summary>The workspace's root folder (the worktree).</summary>
    string RootPath { get; }

    /// <summary>The branch the workspace is on, e.g. <c>factory/&lt;request-id&gt;</c>.</summary>
    string BranchName { get; }

    /// <summary>
    /// Writes <paramref name="edits"/> through the jail with the rules of <paramref name="role"/>. All or nothing: when
    /// any edit is refused, nothing is written and the report says which and why.
    /// </summary>
    ValueTask<WriteReport> WriteAsync(IReadOnlyList<FileEdit> edits, WriterRole role, CancellationToken cancellationToken);

    /// <summary>
    /// Reads one file of the workspace: the way every stage reads repository content (tools, prompt excerpts, changed
    /// files). The kernel resolves each component of <paramref name="path"/> beneath the root (openat2 with
    /// RESOLVE_BENEATH and RESOLVE_NO_MAGICLINKS), so a link out of the worktree (absolute, through <c>/proc/self</c>,
    /// or <c>..</c> after a link) is refused, as are <c>.git</c>, folders, devices and FIFOs; at most
    /// <paramref name="maxBytes"/> bytes are read, and cancellation is honoured between chunks.
    /// </summary>
    /// <param name="path">Repository-relative, with '/' between folders.</param>
    /// <param name="maxBytes">The most bytes to read; <see cref="WorkspaceFile.IsTruncated"/> tells when the file is longer.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The bytes read, where the file really is and its full length.</returns>
    /// <exception cref="ConfinedPathException">The path is refused, missing or not a regular file; the message says which.</exception>
    ValueTask<WorkspaceFile> ReadFileAsync(string path, int maxBytes, CancellationToken cancellationToken) =>
        WorktreeReader.ReadAsync(RootPath, path, maxBytes, cancellationToken);

    /// <summary>
    /// The files a stage may look at, repository-relative and sorted: in a git workspace the base commit's tracked
    /// regular files plus those the request wrote (no links, submodules, untracked or ignored files, never <c>.git</c>).
    /// The default lists the regular files under <see cref="RootPath"/>, skipping links and <c>.git</c>.
    /// </summary>
    ValueTask<IReadOnlyList<string>> ListFilesAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(FolderListing.RegularFiles(RootPath));

    /// <summary>
    /// The paths the change adds or modifies against its base commit, repository-relative, from git's own
    /// NUL-separated output (never parsed from diff text), each checked again by the jail.
    /// </summary>
    ValueTask<IReadOnlyList<string>> GetChangedFilesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The full diff of the workspace against its base commit, as text whatever the attributes say: exactly the tree
    /// that would be committed, new files included.
    /// </summary>
    ValueTask<string> GetDiffAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Ends the workspace: when <paramref name="approved"/>, commits the change on the branch with
    /// <paramref name="commitMessage"/>; otherwise keeps the diff and removes the branch and worktree. When git fails,
    /// what the workspace left (worktree, branch, lock) is removed before the failure is thrown.
    /// </summary>
    ValueTask<WorkspaceSettlement> SettleAsync(bool approved, string commitMessage, CancellationToken cancellationToken);
}
