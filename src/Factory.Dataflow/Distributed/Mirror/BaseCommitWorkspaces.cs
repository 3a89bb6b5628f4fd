using System.Collections.Concurrent;
using Factory.Dataflow.Toolchains;
using Factory.Dataflow.Workspace;
using Microsoft.Extensions.Logging;

namespace Factory.Dataflow.Distributed;

/// <summary>
/// The worker pipeline's workspace provider: each request's worktree branches from the base commit its message named,
/// through one <see cref="GitWorkspaceProvider"/> per base checkout of the <see cref="RemoteMirror"/>. The worker tells
/// it a request's base (<see cref="PrepareAsync"/>) before submitting the request. A long-lived worker meets many base
/// commits: it keeps the checkouts of the most recently used idle ones (<c>idleBaseCheckouts</c>) and removes the rest
/// when their last request is released, so its disk use follows its work, not its age.
/// </summary>
public sealed class BaseCommitWorkspaces : IWorkspaceProvider
{
    private readonly RemoteMirror _mirror;
    private readonly GitWorkspaceOptions _template;
    private readonly ILoggerFactory? _loggers;
    private readonly ToolchainRegistry _toolchains;
    private readonly ConcurrentDictionary<string, string> _baseOf = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<GitWorkspaceProvider>> _providers = new(StringComparer.Ordinal);
    private readonly int _idleBaseCheckouts;

    // Which requests use each base, and when it was last touched; guarded by itself. A base is only removed while no
    // request holds it, and a request is added here before its base is made, so the two never cross.
    private readonly Dictionary<string, BaseUse> _uses = new(StringComparer.Ordinal);
    private long _clock;

    /// <summary>Creates the provider over <paramref name="mirror"/>.</summary>
    /// <param name="mirror">The worker's mirror.</param>
    /// <param name="template">Writer limits and branch prefix for every base (its repository and state folder are replaced).</param>
    /// <param name="loggers">Loggers for the providers, or null.</param>
    /// <param name="idleBaseCheckouts">How many checkouts no request uses are kept (the most recently used). Defaults to 4.</param>
    /// <param name="toolchains">
    /// The host's registered toolchains, which every base's workspaces use (the jail's file rules); null for
    /// <see cref="ToolchainRegistry.Default"/>.
    /// </param>
    public BaseCommitWorkspaces(
        RemoteMirror mirror, GitWorkspaceOptions template, ILoggerFactory? loggers = null, int idleBaseCheckouts = 4, ToolchainRegistry? toolchains = null)
    {
        ArgumentNullException.ThrowIfNull(mirror);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentOutOfRangeException.ThrowIfNegative(idleBaseCheckouts);
        _mirror = mirror;
        _idleBaseCheckouts = idleBaseCheckouts;
        _template = template;
        _loggers = loggers;
        _toolchains = toolchains ?? ToolchainRegistry.Default;
    }

    /// <summary>
    /// Makes sure <paramref name="baseCommit"/> is checked out and nothing of an earlier attempt at
    /// <paramref name="requestId"/> is left in it (an unpushed branch of a killed run), then remembers the base.
    /// </summary>
    /// <returns>The base checkout, which will hold the request's branch.</returns>
    /// <exception cref="BaseCommitMissingException">The remote does not have the commit.</exception>
    /// <exception cref="OutcomeStoreUnavailableException">The remote cannot be reached.</exception>
    public async Task<string> PrepareAsync(string requestId, string baseCommit, CancellationToken cancellationToken)
    {
        Hold(requestId, baseCommit);
        try
        {
            var checkout = await _mirror.EnsureBaseAsync(baseCommit, cancellationToken).ConfigureAwait(false);
            var provider = Provider(baseCommit, checkout);

            // Start-up cleans abandoned worktrees first, so the branch below is no longer checked out anywhere.
            await provider.StartAsync().ConfigureAwait(false);
            await ForgetBranchAsync(checkout, requestId, cancellationToken).ConfigureAwait(false);
            _baseOf[requestId] = baseCommit;
            return checkout;
        }
        catch
        {
            Let(requestId, baseCommit);
            throw;
        }
    }

    /// <summary>
    /// Drops the request's local branch (its outcome is on the remote now, or it will run again) and its base, then
    /// removes the checkouts of idle bases beyond the ones kept.
    /// </summary>
    public async Task ReleaseAsync(string requestId, string? checkout, CancellationToken cancellationToken)
    {
        _baseOf.TryRemove(requestId, out var baseCommit);
        if (checkout is not null)
        {
            await ForgetBranchAsync(checkout, requestId, cancellationToken).ConfigureAwait(false);
        }

        if (baseCommit is not null)
        {
            Let(requestId, baseCommit);
            EvictIdleBases();
        }
    }

    /// <summary>The mirror repository (fetched once when missing), where outcomes that belong to no base are committed.</summary>
    public async Task<string> MirrorPathAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_mirror.MirrorPath))
        {
            await _mirror.SyncAsync(cancellationToken).ConfigureAwait(false);
        }

        return _mirror.MirrorPath;
    }

    /// <inheritdoc />
    public ValueTask<IFeatureWorkspace> CreateAsync(FeatureRequest request, string? runDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_baseOf.TryGetValue(request.Id, out var baseCommit) || !_providers.TryGetValue(baseCommit, out var provider))
        {
            throw new InvalidOperationException($"Request '{request.Id}' has no base commit; the queue worker prepares one before it submits a request.");
        }

        return provider.Value.CreateAsync(request, runDirectory, cancellationToken);
    }

    private void Hold(string requestId, string baseCommit)
    {
        lock (_uses)
        {
            if (!_uses.TryGetValue(baseCommit, out var use))
            {
                _uses[baseCommit] = use = new BaseUse();
            }

            use.Requests.Add(requestId);
            use.LastUsed = ++_clock;
        }
    }

    private void Let(string requestId, string baseCommit)
    {
        lock (_uses)
        {
            if (_uses.TryGetValue(baseCommit, out var use))
            {
                use.Requests.Remove(requestId);
                use.LastUsed = ++_clock;
            }
        }
    }

    private void EvictIdleBases()
    {
        var detached = new List<string>();
        lock (_uses)
        {
            var idle = _uses.Where(u => u.Value.Requests.Count == 0 && !_mirror.IsPinned(u.Key)).OrderBy(u => u.Value.LastUsed).ToList();
            foreach (var (commit, _) in idle.Take(Math.Max(0, idle.Count - _idleBaseCheckouts)))
            {
                // Detached under the lock: a request for this base that comes next finds nothing and clones it afresh.
                if (_mirror.DetachBase(commit) is { } aside)
                {
                    _uses.Remove(commit);
                    _providers.TryRemove(commit, out _);
                    detached.Add(aside);
                    detached.Add(WorktreesDirectory(commit));
                }
            }
        }

        foreach (var folder in detached.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private string WorktreesDirectory(string commit) => Path.Combine(_mirror.StateDirectory, "worktrees", commit);

    private GitWorkspaceProvider Provider(string baseCommit, string checkout) =>
        _providers.GetOrAdd(baseCommit, commit => new Lazy<GitWorkspaceProvider>(() => new GitWorkspaceProvider(
            new GitWorkspaceOptions
            {
                RepositoryPath = checkout,
                StateDirectory = WorktreesDirectory(commit),
                BranchPrefix = _template.BranchPrefix,
                MaxFileBytes = _template.MaxFileBytes,
                MaxFilesPerWrite = _template.MaxFilesPerWrite,
                PythonInterpreter = _template.PythonInterpreter,

                // A kept workspace would block the request's next delivery; its failed.diff is in the outcome ref anyway.
                KeepFailedWorkspaces = false,
            },
            _loggers?.CreateLogger<GitWorkspaceProvider>())
        {
            Toolchains = _toolchains,
        })).Value;

    private async Task ForgetBranchAsync(string checkout, string requestId, CancellationToken cancellationToken)
    {
        // One git call whether or not the branch exists; any other failure (it is checked out) is an error.
        var branch = _template.BranchPrefix + requestId;
        var deleted = await GitCli.TryRunAsync(checkout, ["branch", "-D", "--quiet", branch], cancellationToken).ConfigureAwait(false);
        if (deleted.ExitCode != 0 && !deleted.StandardError.Contains("not found", StringComparison.Ordinal))
        {
            throw new GitCommandException($"git branch -D {branch} failed in {checkout}: {deleted.StandardError.Trim()}");
        }
    }

    private sealed class BaseUse
    {
        public HashSet<string> Requests { get; } = new(StringComparer.Ordinal);

        public long LastUsed { get; set; }
    }
}
