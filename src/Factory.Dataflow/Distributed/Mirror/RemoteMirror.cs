using System.Collections.Concurrent;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Distributed;

/// <summary>
/// A worker's local copy of the shared remote: a bare mirror of its branches (the factory's own branches left out),
/// refreshed when a request names a commit the mirror lacks, and one checkout per base commit, cloned with
/// <c>--shared</c> (the objects stay in the mirror) and detached at that commit, which the request's worktree branches
/// from. Layout under the state folder: <c>mirror.git</c>, <c>bases/&lt;commit&gt;</c>.
/// </summary>
public sealed class RemoteMirror : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _bases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _pinned = new(StringComparer.Ordinal);
    private readonly string _branchPrefix;

    /// <summary>Creates the mirror's handle; nothing is fetched until <see cref="SyncAsync"/> or <see cref="EnsureBaseAsync"/>.</summary>
    /// <param name="remote">The shared remote.</param>
    /// <param name="stateDirectory">The worker's own folder for the mirror and the base checkouts.</param>
    /// <param name="branchPrefix">The factory's branch prefix, left out of the mirror. Defaults to <c>factory/</c>.</param>
    public RemoteMirror(string remote, string stateDirectory, string branchPrefix = "factory/")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(remote);
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);
        Remote = GitOutcomeStore.NormaliseRemote(remote);
        StateDirectory = Path.GetFullPath(stateDirectory);
        MirrorPath = Path.Combine(StateDirectory, "mirror.git");
        _branchPrefix = branchPrefix;
    }

    /// <summary>The shared remote.</summary>
    public string Remote { get; }

    /// <summary>The worker's folder.</summary>
    public string StateDirectory { get; }

    /// <summary>The bare mirror.</summary>
    public string MirrorPath { get; }

    /// <summary>Fetches the remote's branches into the mirror (creating it the first time).</summary>
    /// <exception cref="OutcomeStoreUnavailableException">The remote cannot be reached; the message names it.</exception>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!Directory.Exists(MirrorPath))
            {
                Directory.CreateDirectory(StateDirectory);
                await GitCli.RunAsync(StateDirectory, ["init", "--quiet", "--bare", MirrorPath], cancellationToken).ConfigureAwait(false);
            }

            // The factory's branches and outcome refs are left out: they grow with every request and no build needs them.
            var fetch = await GitCli.TryRunAsync(
                MirrorPath,
                ["fetch", "--quiet", "--prune", "--no-tags", Remote, "+refs/heads/*:refs/heads/*", $"^refs/heads/{_branchPrefix}*", "+HEAD:refs/remote-head"],
                cancellationToken).ConfigureAwait(false);
            if (fetch.ExitCode != 0)
            {
                throw new OutcomeStoreUnavailableException($"The git remote {Remote} cannot be fetched into {MirrorPath}: {fetch.StandardError.Trim()}");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    /// <summary>The remote's HEAD commit as last fetched.</summary>
    public async Task<string> HeadAsync(CancellationToken cancellationToken) =>
        (await GitCli.RunAsync(MirrorPath, ["rev-parse", "--verify", "refs/remote-head^{commit}"], cancellationToken).ConfigureAwait(false)).Trim();

    /// <summary>The checkout detached at <paramref name="commit"/>, made (and the mirror refreshed) when missing.</summary>
    /// <exception cref="BaseCommitMissingException">The remote does not have the commit.</exception>
    /// <exception cref="OutcomeStoreUnavailableException">The remote cannot be reached.</exception>
    public async Task<string> EnsureBaseAsync(string commit, CancellationToken cancellationToken)
    {
        if (!QueuedRequest.IsCommitId(commit))
        {
            throw new BaseCommitMissingException($"'{commit}' is not a full commit id.");
        }

        var lazy = _bases.GetOrAdd(commit, c => new Lazy<Task<string>>(() => CreateBaseAsync(c, CancellationToken.None)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            // A failed attempt (the remote was down) must not stick: the next request retries.
            _bases.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(commit, lazy));
            throw;
        }
    }

    /// <summary>Keeps the checkout of <paramref name="commit"/> for the mirror's life (e.g. the one a worker's host was started on).</summary>
    public void Pin(string commit) => _pinned[commit] = true;

    /// <summary>True when <paramref name="commit"/>'s checkout is kept for the mirror's life.</summary>
    public bool IsPinned(string commit) => _pinned.ContainsKey(commit);

    /// <summary>
    /// Takes the finished checkout of <paramref name="commit"/> out of use: it is forgotten (the next
    /// <see cref="EnsureBaseAsync"/> clones it again) and renamed aside in one step, so no caller can find it half-deleted.
    /// The caller makes sure no request is using it, then deletes the returned folder.
    /// </summary>
    /// <returns>The renamed folder to delete, or null when the checkout is pinned, unknown or still being made.</returns>
    public string? DetachBase(string commit)
    {
        if (IsPinned(commit) || !_bases.TryGetValue(commit, out var lazy) || !lazy.IsValueCreated || !lazy.Value.IsCompletedSuccessfully)
        {
            return null;
        }

        _bases.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(commit, lazy));
        var path = lazy.Value.Result;
        var aside = Path.Combine(StateDirectory, "bases", $".evicted-{commit}-{Guid.NewGuid():N}");
        Directory.Move(path, aside);
        return aside;
    }

    private async Task<string> CreateBaseAsync(string commit, CancellationToken cancellationToken)
    {
        var path = Path.Combine(StateDirectory, "bases", commit);
        if (Directory.Exists(Path.Combine(path, ".git")))
        {
            return path;
        }

        if (!await HasCommitAsync(commit, cancellationToken).ConfigureAwait(false))
        {
            await SyncAsync(cancellationToken).ConfigureAwait(false);
            if (!await HasCommitAsync(commit, cancellationToken).ConfigureAwait(false))
            {
                throw new BaseCommitMissingException($"The base commit {commit} is not on any branch of the git remote {Remote}.");
            }
        }

        // Cloned beside its final place and renamed, so a worker killed half-way never leaves a half-made base behind.
        var partial = path + ".partial-" + Environment.ProcessId;
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await GitCli.RunAsync(StateDirectory, ["clone", "--quiet", "--shared", "--no-checkout", MirrorPath, partial], cancellationToken).ConfigureAwait(false);
        await GitCli.RunAsync(partial, ["checkout", "--quiet", "--detach", commit], cancellationToken).ConfigureAwait(false);
        Directory.Move(partial, path);
        return path;
    }

    private async Task<bool> HasCommitAsync(string commit, CancellationToken cancellationToken) =>
        Directory.Exists(MirrorPath) && (await GitCli.TryRunAsync(MirrorPath, ["cat-file", "-e", commit + "^{commit}"], cancellationToken).ConfigureAwait(false)).ExitCode == 0;
}
