using System.Text;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// Ends one workspace. Approved: the candidate tree (the one the gates and REVIEW saw) is committed with
/// <c>commit-tree</c> on the branch (<c>update-ref</c>, checked against the base commit), then the worktree is removed.
/// Otherwise, or when any git step fails, the diff is kept as <c>failed.diff</c> and the worktree and branch are
/// removed; a git failure is then thrown with git's own message, after the clean-up, so nothing is left behind.
/// </summary>
internal sealed class WorkspaceSettler(GitFeatureWorkspace workspace, bool approved, string message)
{
    private readonly RepositoryInfo _repository = workspace.Repository;

    public async Task<WorkspaceSettlement> SettleAsync(CancellationToken cancellationToken)
    {
        string? diff = null;
        Exception? failure = null;
        try
        {
            var tree = await workspace.BuildCandidateAsync(refuseForeign: approved, cancellationToken).ConfigureAwait(false);
            diff = NullIfEmpty(await workspace.DiffAsync(tree, cancellationToken).ConfigureAwait(false));
            if (approved)
            {
                var commit = await CommitAsync(tree, cancellationToken).ConfigureAwait(false);
                if (await RemoveWorktreeAsync().ConfigureAwait(false) is not { } problem)
                {
                    return new WorkspaceSettlement(workspace.BranchName, commit, diff);
                }

                failure = new GitCommandException(problem);
            }
        }
        catch (Exception exception)
        {
            // Whatever failed (git, the file system, the time limit), the workspace still ends below.
            failure = exception;
        }

        var leftovers = await DiscardAsync(diff).ConfigureAwait(false);
        if (failure is null && leftovers is null)
        {
            return new WorkspaceSettlement(workspace.KeepFailed ? workspace.BranchName : null, null, diff);
        }

        var what = approved ? "Could not commit the approved change" : "Could not discard the workspace";
        var text = new StringBuilder(what).Append(": ").Append(failure?.Message ?? leftovers);
        if (failure is not null && leftovers is not null)
        {
            text.Append(" (and cleaning up: ").Append(leftovers).Append(')');
        }

        throw new GitCommandException(text.ToString(), failure ?? new IOException(leftovers));
    }

    private async Task<string> CommitAsync(string tree, CancellationToken cancellationToken)
    {
        // commit-tree runs no hooks and no filters; the message goes on stdin, so nothing in it is read as an option.
        var commit = (await workspace.Git.RunAsync(
            [.. _repository.IdentityArguments, "commit-tree", tree, "-p", workspace.BaseCommit, "-F", "-"],
            cancellationToken,
            input: GitPlumbing.Bytes(message)).ConfigureAwait(false)).Trim();
        using (await RepositoryLocks.AcquireAsync(_repository.CommonDirectory, cancellationToken).ConfigureAwait(false))
        {
            await workspace.Git.RunAsync(
                ["update-ref", "-m", $"factory: request {workspace.Id}", "refs/heads/" + workspace.BranchName, commit, workspace.BaseCommit],
                cancellationToken).ConfigureAwait(false);
        }

        return commit;
    }

    /// <summary>Keeps the diff, then removes the worktree and branch (unless kept for inspection); returns what could not be removed, or null.</summary>
    private async Task<string?> DiscardAsync(string? diff)
    {
        var problems = new List<string>();
        if (workspace.RunDirectory is { } runDirectory && diff is not null)
        {
            try
            {
                Directory.CreateDirectory(runDirectory);
                await File.WriteAllTextAsync(Path.Combine(runDirectory, "failed.diff"), diff, CancellationToken.None).ConfigureAwait(false);
            }
            catch (IOException exception)
            {
                problems.Add($"writing failed.diff: {exception.Message}");
            }
        }

        if (workspace.KeepFailed)
        {
            // The marker tells the next start-up's clean-up to leave this worktree and branch alone.
            await File.WriteAllTextAsync(_repository.KeptMarkerPath(workspace.Id), workspace.RootPath + "\n", CancellationToken.None)
                .ConfigureAwait(false);
            return problems.Count == 0 ? null : string.Join("; ", problems);
        }

        if (await RemoveWorktreeAsync().ConfigureAwait(false) is { } worktreeProblem)
        {
            problems.Add(worktreeProblem);
        }

        using (await RepositoryLocks.AcquireAsync(_repository.CommonDirectory, CancellationToken.None).ConfigureAwait(false))
        {
            var deleted = await GitCli.TryRunAsync(_repository.TopLevel, ["branch", "-D", "--quiet", workspace.BranchName], CancellationToken.None)
                .ConfigureAwait(false);
            if (deleted.ExitCode != 0 && await BranchExistsAsync().ConfigureAwait(false))
            {
                problems.Add($"git branch -D {workspace.BranchName}: {deleted.StandardError.Trim()}");
            }
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    /// <summary>Removes the worktree with git, or by hand and then git's prune when git cannot; returns the problem, or null.</summary>
    private async Task<string?> RemoveWorktreeAsync()
    {
        using var _ = await RepositoryLocks.AcquireAsync(_repository.CommonDirectory, CancellationToken.None).ConfigureAwait(false);
        var removed = await GitCli.TryRunAsync(
            _repository.TopLevel, ["worktree", "remove", "--force", "--force", workspace.RootPath], CancellationToken.None).ConfigureAwait(false);
        if (removed.ExitCode == 0 && !Directory.Exists(workspace.RootPath))
        {
            return null;
        }

        try
        {
            if (Directory.Exists(workspace.RootPath))
            {
                Directory.Delete(workspace.RootPath, recursive: true);
            }

            await GitCli.RunAsync(_repository.TopLevel, ["worktree", "prune"], CancellationToken.None).ConfigureAwait(false);
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or GitCommandException)
        {
            return $"removing the worktree {workspace.RootPath}: {removed.StandardError.Trim()} {exception.Message}".Trim();
        }
    }

    private async Task<bool> BranchExistsAsync()
    {
        var result = await GitCli.TryRunAsync(
            _repository.TopLevel, ["rev-parse", "--verify", "--quiet", "refs/heads/" + workspace.BranchName], CancellationToken.None).ConfigureAwait(false);
        return result.ExitCode == 0;
    }

    private static string? NullIfEmpty(string diff) => diff.Length == 0 ? null : diff;
}
