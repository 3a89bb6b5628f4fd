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

    /// <summary>The full diff of the workspace against its base commit, new untracked files included.</summary>
    ValueTask<string> GetDiffAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Ends the workspace: when <paramref name="approved"/>, commits the change on the branch with
    /// <paramref name="commitMessage"/>; otherwise keeps the diff and removes the branch and worktree.
    /// </summary>
    ValueTask<WorkspaceSettlement> SettleAsync(bool approved, string commitMessage, CancellationToken cancellationToken);
}
