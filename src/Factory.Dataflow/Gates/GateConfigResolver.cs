using System.Collections.Concurrent;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Gates;

/// <summary>
/// The one answer to "the gate configuration of this worktree", which every gate, the jail, the test writer and the
/// runner's preflight ask: the repository's <see cref="GateConfig.RelativePath"/> when there is one, else the
/// configuration the repository's toolchain detects from the files the base commit tracks (what <c>factory init</c>
/// would write). With no configuration to name the toolchain, the one that recognises the repository detects it
/// (<see cref="ToolchainRegistry.Recognise"/>: Python unless another registered toolchain claims the files).
/// </summary>
/// <remarks>
/// A worktree is created from the base commit and BUILD may not write <c>.factory</c>, so the file on disk is the
/// committed one. Detection reads the list of files HEAD tracks, not what is on disk, so files a change adds cannot
/// change the answer between stages; the configuration files detection reads (pyproject.toml, pytest.ini, conftest.py,
/// ...) are protected the same way. Detected answers are kept per (folder, commit) for the life of the process, so a
/// process is expected to resolve one folder with one registry. A committed file is read on every call and parsed once
/// per distinct text (<see cref="GateConfigCache"/>), so the five stages of every request share one parse.
/// </remarks>
public static class GateConfigResolver
{
    private const int MaxCached = 256;
    private static readonly ConcurrentDictionary<(string Root, string Commit), ResolvedGateConfig> s_detected = new();

    /// <summary>The configuration of the worktree (or checkout) at <paramref name="root"/>.</summary>
    /// <exception cref="GateEnvironmentException">The file exists but is not valid; the message says what is wrong.</exception>
    public static ValueTask<GateConfig> LoadAsync(string root, CancellationToken cancellationToken) =>
        LoadAsync(root, ToolchainRegistry.Default, cancellationToken);

    /// <summary>The configuration of the worktree (or checkout) at <paramref name="root"/>, detected with <paramref name="toolchains"/> when none is committed.</summary>
    /// <exception cref="GateEnvironmentException">The file exists but is not valid; the message says what is wrong.</exception>
    public static async ValueTask<GateConfig> LoadAsync(string root, ToolchainRegistry toolchains, CancellationToken cancellationToken) =>
        (await ResolveAsync(root, toolchains, cancellationToken).ConfigureAwait(false)).Config;

    /// <summary>The configuration of the worktree (or checkout) at <paramref name="root"/>, and where it came from.</summary>
    /// <exception cref="GateEnvironmentException">The file exists but is not valid; the message says what is wrong.</exception>
    public static ValueTask<ResolvedGateConfig> ResolveAsync(string root, CancellationToken cancellationToken) =>
        ResolveAsync(root, ToolchainRegistry.Default, cancellationToken);

    /// <summary>
    /// The configuration of the worktree (or checkout) at <paramref name="root"/>, and where it came from; detected with
    /// the toolchain of <paramref name="toolchains"/> that recognises the repository when none is committed.
    /// </summary>
    /// <exception cref="GateEnvironmentException">The file exists but is not valid; the message says what is wrong.</exception>
    public static ValueTask<ResolvedGateConfig> ResolveAsync(string root, ToolchainRegistry toolchains, CancellationToken cancellationToken) =>
        ResolveAsync(root, toolchains, GateConfigCache.Shared, cancellationToken);

    /// <summary>As <see cref="ResolveAsync(string, ToolchainRegistry, CancellationToken)"/>, parsing committed files through <paramref name="parsed"/>.</summary>
    internal static async ValueTask<ResolvedGateConfig> ResolveAsync(
        string root, ToolchainRegistry toolchains, GateConfigCache parsed, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        ArgumentNullException.ThrowIfNull(toolchains);
        var file = Path.Combine(root, GateConfig.RelativePath);
        if (File.Exists(file))
        {
            // Read every time (a new commit or an edited file is seen at once), parsed once per distinct text.
            var text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            return new ResolvedGateConfig(parsed.Parse(text), null);
        }

        // HEAD read from git's files, trusted only when git itself named that commit for this folder before: a
        // request's worktree asks five times and its HEAD stays on the base commit, so four git processes are saved.
        if (GitHeadFile.TryRead(root) is { } seenHead && s_detected.TryGetValue((Path.GetFullPath(root), seenHead), out var seen))
        {
            return seen;
        }

        var head = await GitCli.TryRunAsync(root, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], cancellationToken).ConfigureAwait(false);
        if (head.ExitCode != 0)
        {
            // Not a repository with a commit (an embedded user's plain folder): detect from what is on disk.
            return Detect(root, files: null, toolchains);
        }

        var key = (Path.GetFullPath(root), head.StandardOutput.Trim());
        if (s_detected.TryGetValue(key, out var known))
        {
            return known;
        }

        var tracked = await GitCli.RunAsync(root, ["ls-tree", "-r", "-z", "--name-only", "HEAD"], cancellationToken).ConfigureAwait(false);
        var resolved = Detect(root, tracked.Split('\0', StringSplitOptions.RemoveEmptyEntries), toolchains);
        return s_detected.Keep(key, resolved, MaxCached);
    }

    /// <summary>
    /// Why the checkout's <see cref="GateConfig.RelativePath"/> is not the base commit's (untracked, changed, staged or
    /// deleted, as <c>git status</c> says), or null when it is: the gates use the committed one.
    /// </summary>
    /// <param name="checkout">The user's checkout (its top level).</param>
    /// <param name="cancellationToken">Stops git.</param>
    public static async ValueTask<string?> UncommittedChangeAsync(string checkout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkout);
        var status = await GitCli.RunAsync(
            checkout, ["status", "--porcelain", "--ignored", "--untracked-files=all", "--", GateConfig.RelativePath], cancellationToken)
            .ConfigureAwait(false);
        var line = status.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return line is null || line.Length < 2 ? null : line[..2] switch
        {
            "??" => "is not committed (untracked)",
            "!!" => "is not committed (git ignores it)",
            [_, 'D'] or ['D', _] => "is deleted in the checkout but committed",
            ['A', _] => "is staged but not committed",
            _ => "has changes that are not committed",
        };
    }

    private static ResolvedGateConfig Detect(string root, IReadOnlyList<string>? files, ToolchainRegistry toolchains)
    {
        var proposal = toolchains.Recognise(root, files).Detection.Detect(root, files).Proposal;
        return new ResolvedGateConfig(proposal.Config, proposal);
    }
}
