using System.Security.Cryptography;
using System.Text;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Toolchains;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Factory.Dataflow.Workspace;

/// <summary>
/// One git worktree per request, on a new branch <c>factory/&lt;request-id&gt;</c> from the repository's HEAD, placed
/// in the factory's state folder outside the user's checkout. The user's working tree, index, branch and HEAD are
/// never touched. On first use it removes worktrees and empty branches left behind by a killed run.
/// </summary>
public sealed class GitWorkspaceProvider : IWorkspaceProvider
{
    private readonly GitWorkspaceOptions _options;
    private readonly string _defaultInterpreter;
    private readonly ILogger _logger;
    private readonly Lazy<Task<RepositoryInfo>> _start;

    /// <summary>
    /// Where the jail finds the toolchain a worktree's gate configuration names (its test file names, modules and
    /// protected configuration). Defaults to <see cref="ToolchainRegistry.Default"/>.
    /// </summary>
    public ToolchainRegistry Toolchains { get; init; } = ToolchainRegistry.Default;

    /// <summary>Creates the provider; the repository is inspected (and stale workspaces cleaned) on first use.</summary>
    /// <param name="options">The options; validated and copied here.</param>
    /// <param name="logger">Receives what the start-up clean-up removed or kept; null for none.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public GitWorkspaceProvider(GitWorkspaceOptions options, ILogger<GitWorkspaceProvider>? logger = null)
        : this(options, GitWorkspaceOptions.DefaultPythonInterpreter, logger)
    {
    }

    /// <summary>Creates the provider; <paramref name="gatesInterpreter"/> applies when the options name no interpreter.</summary>
    internal GitWorkspaceProvider(GitWorkspaceOptions options, string gatesInterpreter, ILogger<GitWorkspaceProvider>? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.ValidateAndCopy();
        _defaultInterpreter = gatesInterpreter;
        _logger = (ILogger?)logger ?? NullLogger.Instance;

        // Not cancellable by whichever caller happens to come first: start-up is shared by every request.
        _start = new Lazy<Task<RepositoryInfo>>(() => StartAsync(CancellationToken.None));
    }

    /// <summary>
    /// Inspects the repository and cleans what a killed run left (worktrees, and factory branches holding no commit
    /// of their own). Called by the first <see cref="CreateAsync"/>; call it earlier to fail fast on a bad repository.
    /// </summary>
    /// <returns>The factory's state folder for this repository.</returns>
    public async Task<string> StartAsync() => (await _start.Value.ConfigureAwait(false)).StateDirectory;

    /// <inheritdoc />
    public async ValueTask<IFeatureWorkspace> CreateAsync(FeatureRequest request, string? runDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var repository = await _start.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        var branch = _options.BranchPrefix + request.Id;
        var root = Path.Combine(repository.WorktreesDirectory, request.Id);
        var lockPath = repository.LockPath(request.Id);
        var ownerLock = OwnerLock.TryAcquire(lockPath) ?? throw new InvalidOperationException(
            $"Request '{request.Id}' already has a live workspace (its lock {lockPath} is held by a running process).");
        var created = false;
        string? baseCommit = null;
        try
        {
            using (await RepositoryLocks.AcquireAsync(repository.CommonDirectory, cancellationToken).ConfigureAwait(false))
            {
                if (File.Exists(repository.KeptMarkerPath(request.Id)) || Directory.Exists(root))
                {
                    throw new InvalidOperationException(
                        $"A workspace for request '{request.Id}' already exists at {root} (kept for inspection?). Remove it " +
                        $"with 'git worktree remove --force {root}' and 'git branch -D {branch}', or use another request id.");
                }

                baseCommit = (await GitCli.RunAsync(repository.TopLevel, ["rev-parse", "--verify", "HEAD^{commit}"], cancellationToken)
                    .ConfigureAwait(false)).Trim();

                // A branch of that name that exists already is someone's (an earlier approved run?): never ours to remove.
                var existing = await GitCli.TryRunAsync(repository.TopLevel, ["rev-parse", "--verify", "--quiet", "refs/heads/" + branch], cancellationToken)
                    .ConfigureAwait(false);
                created = existing.ExitCode != 0;
                await GitCli.RunAsync(repository.TopLevel, ["worktree", "add", "--quiet", "-b", branch, root, baseCommit], cancellationToken)
                    .ConfigureAwait(false);
            }

            var config = await GateConfigResolver.LoadAsync(root, Toolchains, cancellationToken).ConfigureAwait(false);
            var policy = new JailPolicy(config.EffectiveTestFolders, config.ProtectedPaths, _options.MaxFileBytes, _options.MaxFilesPerWrite)
            {
                Toolchain = Toolchains.For(config),
                Writable = config.Writable,
                ShadowedNames = await ShadowedModules.ForInterpreterAsync(_options.PythonInterpreter ?? _defaultInterpreter)
                    .WaitAsync(cancellationToken).ConfigureAwait(false),
            };
            return new GitFeatureWorkspace(
                repository, new WorkspaceIdentity(request.Id, root, branch, baseCommit!), new JailedWriter(root, policy), ownerLock, runDirectory,
                _options.KeepFailedWorkspaces, _options.MaxFileBytes);
        }
        catch
        {
            // Creation failed: remove what git made (the worktree, the branch) and release the lock.
            if (created)
            {
                await RemovePartialAsync(repository, root, branch, baseCommit!).ConfigureAwait(false);
            }

            await ownerLock.DisposeAsync().ConfigureAwait(false);
            File.Delete(lockPath);
            throw;
        }
    }

    private static async Task RemovePartialAsync(RepositoryInfo repository, string root, string branch, string baseCommit)
    {
        using var _ = await RepositoryLocks.AcquireAsync(repository.CommonDirectory, CancellationToken.None).ConfigureAwait(false);
        await GitCli.TryRunAsync(repository.TopLevel, ["worktree", "remove", "--force", "--force", root], CancellationToken.None).ConfigureAwait(false);
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        await GitCli.TryRunAsync(repository.TopLevel, ["worktree", "prune"], CancellationToken.None).ConfigureAwait(false);

        // Only while it still points at the base commit: the branch this call created, holding nothing of its own.
        await GitCli.TryRunAsync(repository.TopLevel, ["update-ref", "-d", "refs/heads/" + branch, baseCommit], CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<RepositoryInfo> StartAsync(CancellationToken cancellationToken)
    {
        var path = _options.RepositoryPath;
        var topLevel = await RevParseAsync(path, "--show-toplevel", cancellationToken).ConfigureAwait(false);
        var commonDirectory = await RevParseAsync(path, "--git-common-dir", cancellationToken).ConfigureAwait(false);
        var head = await GitCli.TryRunAsync(topLevel, ["rev-parse", "--verify", "HEAD^{commit}"], cancellationToken).ConfigureAwait(false);
        if (head.ExitCode != 0)
        {
            throw new InvalidOperationException($"The repository at {topLevel} has no commit yet; the factory branches from HEAD.");
        }

        var stateDirectory = RealPath.Resolve(_options.StateDirectory ?? DefaultStateDirectory(topLevel, commonDirectory));
        if (RealPath.IsInside(stateDirectory, topLevel))
        {
            throw new ArgumentException(
                $"GitWorkspaceOptions.StateDirectory ({stateDirectory}) is inside the checkout {topLevel}; worktrees there " +
                "would show up in the user's working tree. Choose a folder outside it.");
        }

        var repository = new RepositoryInfo(topLevel, commonDirectory, stateDirectory,
            await IdentityArgumentsAsync(topLevel, cancellationToken).ConfigureAwait(false));
        Directory.CreateDirectory(repository.WorktreesDirectory);
        Directory.CreateDirectory(repository.LocksDirectory);
        Directory.CreateDirectory(repository.TemporaryDirectory);
        Directory.CreateDirectory(new GitPlumbing(repository).EmptyWorkTree);
        await new StaleWorkspaceCleaner(repository, _options.BranchPrefix, _logger).CleanAsync(cancellationToken).ConfigureAwait(false);
        return repository;
    }

    private static async Task<string> RevParseAsync(string path, string what, CancellationToken cancellationToken)
    {
        var result = await GitCli.TryRunAsync(path, ["rev-parse", "--path-format=absolute", what], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{path} is not inside a git checkout (git rev-parse {what}: {result.StandardError.Trim()}).");
        }

        return RealPath.Resolve(result.StandardOutput.Trim());
    }

    private static async Task<IReadOnlyList<string>> IdentityArgumentsAsync(string topLevel, CancellationToken cancellationToken)
    {
        // Use the user's identity when git has one; otherwise commits would fail, so give them a neutral author.
        var name = await GitCli.TryRunAsync(topLevel, ["config", "user.name"], cancellationToken).ConfigureAwait(false);
        var email = await GitCli.TryRunAsync(topLevel, ["config", "user.email"], cancellationToken).ConfigureAwait(false);
        var identity = new List<string>();
        if (name.ExitCode != 0 || name.StandardOutput.Trim().Length == 0)
        {
            identity.AddRange(["-c", "user.name=Factory"]);
        }

        if (email.ExitCode != 0 || email.StandardOutput.Trim().Length == 0)
        {
            identity.AddRange(["-c", "user.email=factory@localhost"]);
        }

        return identity;
    }

    private static string DefaultStateDirectory(string topLevel, string commonDirectory)
    {
        var stateHome = Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(commonDirectory)))[..10];
        return Path.Combine(stateHome, "factory", $"{Path.GetFileName(topLevel)}-{hash}");
    }
}
