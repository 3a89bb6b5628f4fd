using Microsoft.Extensions.Logging;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// Removes what a killed run left: its worktrees, and factory branches that hold no commit of their own. A branch
/// with a commit not reachable from any other ref (an approved change) is never deleted, nor is anything whose owner
/// lock is held by a live process or that was kept for inspection on purpose.
/// </summary>
internal sealed class StaleWorkspaceCleaner(RepositoryInfo repository, string branchPrefix, ILogger logger)
{
    public async Task CleanAsync(CancellationToken cancellationToken)
    {
        using var _ = await RepositoryLocks.AcquireAsync(repository.CommonDirectory, cancellationToken).ConfigureAwait(false);
        await GitCli.RunAsync(repository.TopLevel, ["worktree", "prune"], cancellationToken).ConfigureAwait(false);

        var worktrees = await ListWorktreesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (path, _) in worktrees)
        {
            var id = Path.GetFileName(path);
            if (!RealPath.IsInside(path, repository.WorktreesDirectory) || !IsAbandoned(id))
            {
                continue;
            }

            var removed = await GitCli.TryRunAsync(repository.TopLevel, ["worktree", "remove", "--force", "--force", path], cancellationToken)
                .ConfigureAwait(false);
            if (removed.ExitCode != 0 && Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }

            WorkspaceLog.RemovedStaleWorktree(logger, path);
        }

        // Folders git does not know (a run killed during 'worktree add') are plain leftovers.
        foreach (var folder in Directory.GetDirectories(repository.WorktreesDirectory))
        {
            var id = Path.GetFileName(folder);
            if (IsAbandoned(id) && !worktrees.ContainsKey(RealPath.Resolve(folder)))
            {
                Directory.Delete(folder, recursive: true);
                WorkspaceLog.RemovedLeftoverFolder(logger, folder);
            }
        }

        await GitCli.RunAsync(repository.TopLevel, ["worktree", "prune"], cancellationToken).ConfigureAwait(false);
        var checkedOut = (await ListWorktreesAsync(cancellationToken).ConfigureAwait(false)).Values.ToHashSet(StringComparer.Ordinal);
        await DeleteEmptyBranchesAsync(checkedOut, cancellationToken).ConfigureAwait(false);

        foreach (var lockFile in Directory.GetFiles(repository.LocksDirectory, "*.lock"))
        {
            var id = Path.GetFileNameWithoutExtension(lockFile);
            if (IsAbandoned(id))
            {
                File.Delete(lockFile);
            }
        }
    }

    private async Task DeleteEmptyBranchesAsync(HashSet<string> checkedOut, CancellationToken cancellationToken)
    {
        var refPrefix = "refs/heads/" + branchPrefix;
        var refs = await GitCli.RunAsync(repository.TopLevel, ["for-each-ref", "--format=%(refname)", refPrefix], cancellationToken)
            .ConfigureAwait(false);
        foreach (var reference in refs.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var id = reference[refPrefix.Length..];
            if (checkedOut.Contains(reference) || !IsAbandoned(id))
            {
                continue;
            }

            // Commits on this branch that no other ref (outside the factory's own branches) reaches: an approved
            // change lives there, so the branch stays. Zero means deleting it loses nothing.
            var unique = await GitCli.RunAsync(
                repository.TopLevel,
                ["rev-list", "--count", reference, "--not", $"--exclude={refPrefix}*", "--all"],
                cancellationToken).ConfigureAwait(false);
            if (unique.Trim() != "0")
            {
                continue;
            }

            await GitCli.RunAsync(repository.TopLevel, ["branch", "-D", "--quiet", reference["refs/heads/".Length..]], cancellationToken)
                .ConfigureAwait(false);
            WorkspaceLog.DeletedStaleBranch(logger, reference);
        }
    }

    private bool IsAbandoned(string id) =>
        !File.Exists(repository.KeptMarkerPath(id)) && !OwnerLock.IsHeld(repository.LockPath(id));

    /// <summary>Worktree path (resolved) to the ref it has checked out ("" when detached).</summary>
    private async Task<Dictionary<string, string>> ListWorktreesAsync(CancellationToken cancellationToken)
    {
        var porcelain = await GitCli.RunAsync(repository.TopLevel, ["worktree", "list", "--porcelain", "-z"], cancellationToken)
            .ConfigureAwait(false);
        var worktrees = new Dictionary<string, string>(StringComparer.Ordinal);
        string? path = null;
        foreach (var line in porcelain.Split('\0'))
        {
            if (line.StartsWith("worktree ", StringComparison.Ordinal))
            {
                path = RealPath.Resolve(line["worktree ".Length..]);
                worktrees[path] = "";
            }
            else if (line.StartsWith("branch ", StringComparison.Ordinal) && path is not null)
            {
                worktrees[path] = line["branch ".Length..];
            }
        }

        return worktrees;
    }
}
