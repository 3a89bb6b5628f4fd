using System.Collections.Concurrent;
using Factory.Dataflow.Workspace;
using Microsoft.Extensions.Logging;

namespace Factory.Dataflow.Distributed;

/// <summary>
/// The worker pipeline's workspace provider: each request's worktree branches from the base commit its message named,
/// through one <see cref="GitWorkspaceProvider"/> per base checkout of the <see cref="RemoteMirror"/>. The worker tells
/// it a request's base (<see cref="PrepareAsync"/>) before submitting the request.
/// </summary>
public sealed class BaseCommitWorkspaces : IWorkspaceProvider
{
    private readonly RemoteMirror _mirror;
    private readonly GitWorkspaceOptions _template;
    private readonly ILoggerFactory? _loggers;
    private readonly ConcurrentDictionary<string, string> _baseOf = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<GitWorkspaceProvider>> _providers = new(StringComparer.Ordinal);

    /// <summary>Creates the provider over <paramref name="mirror"/>.</summary>
    /// <param name="mirror">The worker's mirror.</param>
    /// <param name="template">Writer limits and branch prefix for every base (its repository and state folder are replaced).</param>
    /// <param name="loggers">Loggers for the providers, or null.</param>
    public BaseCommitWorkspaces(RemoteMirror mirror, GitWorkspaceOptions template, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(mirror);
        ArgumentNullException.ThrowIfNull(template);
        _mirror = mirror;
        _template = template;
        _loggers = loggers;
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
        var checkout = await _mirror.EnsureBaseAsync(baseCommit, cancellationToken).ConfigureAwait(false);
        var provider = Provider(baseCommit, checkout);

        // Start-up cleans abandoned worktrees first, so the branch below is no longer checked out anywhere.
        await provider.StartAsync().ConfigureAwait(false);
        await ForgetBranchAsync(checkout, requestId, cancellationToken).ConfigureAwait(false);
        _baseOf[requestId] = baseCommit;
        return checkout;
    }

    /// <summary>Drops the request's local branch (its outcome is on the remote now, or it will run again) and its base.</summary>
    public async Task ReleaseAsync(string requestId, string? checkout, CancellationToken cancellationToken)
    {
        _baseOf.TryRemove(requestId, out _);
        if (checkout is not null)
        {
            await ForgetBranchAsync(checkout, requestId, cancellationToken).ConfigureAwait(false);
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

    private GitWorkspaceProvider Provider(string baseCommit, string checkout) =>
        _providers.GetOrAdd(baseCommit, commit => new Lazy<GitWorkspaceProvider>(() => new GitWorkspaceProvider(
            new GitWorkspaceOptions
            {
                RepositoryPath = checkout,
                StateDirectory = Path.Combine(_mirror.StateDirectory, "worktrees", commit),
                BranchPrefix = _template.BranchPrefix,
                MaxFileBytes = _template.MaxFileBytes,
                MaxFilesPerWrite = _template.MaxFilesPerWrite,
                PythonInterpreter = _template.PythonInterpreter,

                // A kept workspace would block the request's next delivery; its failed.diff is in the outcome ref anyway.
                KeepFailedWorkspaces = false,
            },
            _loggers?.CreateLogger<GitWorkspaceProvider>()))).Value;

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
}
