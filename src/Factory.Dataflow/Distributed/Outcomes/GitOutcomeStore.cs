using System.Globalization;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Distributed;

/// <summary>
/// Outcomes on a shared git remote. A request's outcome is the ref <c>refs/factory/outcomes/&lt;id&gt;</c>, a commit
/// whose tree holds outcome.json, trace.jsonl and (when not approved) failed.diff; an approved request's change is the
/// branch <c>factory/&lt;id&gt;</c>. Both are pushed in one <c>git push --atomic</c> with
/// <c>--force-with-lease=&lt;ref&gt;:</c> (expected value empty: create only), so the remote takes the first complete
/// outcome of each request and refuses every later one as a whole.
/// </summary>
public sealed partial class GitOutcomeStore : IOutcomeStore
{
    /// <summary>Where outcome refs live on the remote.</summary>
    public const string OutcomeRefPrefix = "refs/factory/outcomes/";

    private static readonly string[] Identity = ["-c", "user.name=Factory", "-c", "user.email=factory@localhost"];
    private readonly string _branchPrefix;

    /// <summary>Creates a store on <paramref name="remote"/> (a URL, or a path made absolute here).</summary>
    /// <param name="remote">The shared remote.</param>
    /// <param name="branchPrefix">The approved branches' prefix. Defaults to <c>factory/</c>.</param>
    public GitOutcomeStore(string remote, string branchPrefix = "factory/")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(remote);
        ArgumentException.ThrowIfNullOrWhiteSpace(branchPrefix);
        Address = NormaliseRemote(remote);
        _branchPrefix = branchPrefix;
    }

    /// <inheritdoc />
    public string Address { get; }

    /// <summary>A remote given as a local path, made absolute (git would read it relative to each command's folder); URLs as given.</summary>
    public static string NormaliseRemote(string remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        var isUrl = remote.Contains("://", StringComparison.Ordinal) || (remote.Contains(':', StringComparison.Ordinal) && !remote.StartsWith('/'));
        return isUrl ? remote : Path.GetFullPath(remote);
    }

    /// <inheritdoc />
    public async ValueTask CheckAsync(CancellationToken cancellationToken) =>
        await LsRemoteAsync(["HEAD"], cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<bool> ExistsAsync(string requestId, CancellationToken cancellationToken) =>
        (await LsRemoteAsync([OutcomeRefPrefix + requestId], cancellationToken).ConfigureAwait(false)).Count > 0;

    /// <inheritdoc />
    public async ValueTask<IReadOnlySet<string>> ListAsync(CancellationToken cancellationToken)
    {
        var refs = await LsRemoteAsync([OutcomeRefPrefix + "*"], cancellationToken).ConfigureAwait(false);
        return refs.Keys.Select(r => r[OutcomeRefPrefix.Length..]).ToHashSet(StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public async ValueTask<OutcomePushResult> PushAsync(OutcomeToPush outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var id = outcome.Record.Id;
        var commit = await CommitOutcomeAsync(outcome, cancellationToken).ConfigureAwait(false);
        var outcomeRef = OutcomeRefPrefix + id;
        var branchRef = "refs/heads/" + _branchPrefix + id;
        List<string> arguments = ["push", "--atomic", "--porcelain", "--quiet", $"--force-with-lease={outcomeRef}:"];
        if (outcome.BranchCommit is not null)
        {
            arguments.Add($"--force-with-lease={branchRef}:");
        }

        arguments.AddRange([Address, $"{commit}:{outcomeRef}"]);
        if (outcome.BranchCommit is { } branchCommit)
        {
            arguments.Add($"{branchCommit}:{branchRef}");
        }

        var push = await GitCli.TryRunAsync(outcome.RepositoryPath, arguments, cancellationToken).ConfigureAwait(false);
        if (push.ExitCode == 0)
        {
            return OutcomePushResult.Won;
        }

        // Refused: either another worker's outcome is there (a lost race, the normal case) or the remote failed.
        if (await ExistsAsync(id, cancellationToken).ConfigureAwait(false))
        {
            return OutcomePushResult.Lost;
        }

        throw new OutcomeStoreUnavailableException(
            $"Pushing the outcome of '{id}' to the git remote {Address} failed (exit {push.ExitCode}): {(push.StandardError + push.StandardOutput).Trim()}");
    }

    /// <summary>Makes the outcome's commit (no parent) in the outcome's repository and returns its id.</summary>
    private static async Task<string> CommitOutcomeAsync(OutcomeToPush outcome, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("factory-outcome-");
        try
        {
            var files = new List<(string Name, string Content)> { ("outcome.json", outcome.Record.Encode()), ("trace.jsonl", outcome.Trace) };
            if (outcome.FailedDiff is { Length: > 0 } diff)
            {
                files.Add(("failed.diff", diff));
            }

            // One hash-object and one update-index for all the files: each git process costs tens of ms on a busy machine.
            var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["GIT_INDEX_FILE"] = Path.Combine(scratch.FullName, "index") };
            var paths = new List<string>();
            foreach (var (name, content) in files)
            {
                var path = Path.Combine(scratch.FullName, name);
                await File.WriteAllTextAsync(path, content, cancellationToken).ConfigureAwait(false);
                paths.Add(path);
            }

            var blobs = (await GitCli.RunAsync(outcome.RepositoryPath, ["hash-object", "-w", "--", .. paths], cancellationToken).ConfigureAwait(false))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var entries = files.Zip(blobs).SelectMany(f => new[] { "--cacheinfo", $"100644,{f.Second.Trim()},{f.First.Name}" });
            await GitCli.RunAsync(outcome.RepositoryPath, ["update-index", "--add", .. entries], cancellationToken, environment).ConfigureAwait(false);

            var tree = (await GitCli.RunAsync(outcome.RepositoryPath, ["write-tree"], cancellationToken, environment).ConfigureAwait(false)).Trim();
            var message = string.Create(CultureInfo.InvariantCulture, $"factory outcome {outcome.Record.Id}: {outcome.Record.Status} (worker {outcome.Record.Worker}, delivery {outcome.Record.Delivery})");
            return (await GitCli.RunAsync(outcome.RepositoryPath, [.. Identity, "commit-tree", tree, "-m", message], cancellationToken).ConfigureAwait(false)).Trim();
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>The remote's refs matching <paramref name="patterns"/>, by name.</summary>
    internal async Task<Dictionary<string, string>> LsRemoteAsync(IReadOnlyList<string> patterns, CancellationToken cancellationToken)
    {
        BufferedResult result;
        try
        {
            var run = await GitCli.TryRunAsync(Path.GetTempPath(), ["ls-remote", "--", Address, .. patterns], cancellationToken).ConfigureAwait(false);
            result = new BufferedResult(run.ExitCode, run.StandardOutput, run.StandardError);
        }
        catch (GitCommandException exception)
        {
            throw new OutcomeStoreUnavailableException($"The git remote {Address} cannot be reached: {exception.Message}", exception);
        }

        if (result.ExitCode != 0)
        {
            throw new OutcomeStoreUnavailableException($"The git remote {Address} cannot be reached (git ls-remote exit {result.ExitCode}): {result.Error.Trim()}");
        }

        var refs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t', 2);
            if (parts.Length == 2)
            {
                refs[parts[1]] = parts[0];
            }
        }

        return refs;
    }

    private sealed record BufferedResult(int ExitCode, string Output, string Error);
}
