using System.Text.Json;
using Factory.Dataflow.Reporting;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Distributed;

// Reading outcomes back (for a report or a waiting publisher), and resolving the base a backlog is built on.
public sealed partial class GitOutcomeStore
{
    /// <summary>The file in an outcome ref (and in a collected run directory) that holds the <see cref="OutcomeRecord"/>.</summary>
    public const string RecordFileName = WorkerReport.OutcomeFileName;

    /// <summary>
    /// Fetches every outcome ref and lays each out as a run directory under <paramref name="runsDirectory"/>
    /// (<c>&lt;id&gt;/trace.jsonl</c>, <c>outcome.json</c>, <c>failed.diff</c>), the shape a report reads.
    /// </summary>
    /// <param name="runsDirectory">Where the run directories go (created when missing; existing ones of the same ids are replaced).</param>
    /// <param name="ids">Only these requests, or null for all.</param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <returns>The records, by request id.</returns>
    /// <exception cref="OutcomeStoreUnavailableException">The remote cannot be reached.</exception>
    public async Task<IReadOnlyList<OutcomeRecord>> CollectAsync(string runsDirectory, IReadOnlySet<string>? ids, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runsDirectory);
        Directory.CreateDirectory(runsDirectory);
        var cache = Directory.CreateTempSubdirectory("factory-collect-");
        try
        {
            await GitCli.RunAsync(cache.FullName, ["init", "--quiet", "--bare"], cancellationToken).ConfigureAwait(false);
            var fetch = await GitCli.TryRunAsync(
                cache.FullName, ["fetch", "--quiet", "--no-tags", Address, $"+{OutcomeRefPrefix}*:{OutcomeRefPrefix}*"], cancellationToken).ConfigureAwait(false);
            if (fetch.ExitCode != 0)
            {
                throw new OutcomeStoreUnavailableException($"Fetching the outcomes from the git remote {Address} failed: {fetch.StandardError.Trim()}");
            }

            var refs = (await GitCli.RunAsync(cache.FullName, ["for-each-ref", "--format=%(refname)", OutcomeRefPrefix], cancellationToken).ConfigureAwait(false))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var records = new List<OutcomeRecord>();
            foreach (var reference in refs.Order(StringComparer.Ordinal))
            {
                var id = reference[OutcomeRefPrefix.Length..];
                if ((ids is not null && !ids.Contains(id)) || FeatureRequest.ExplainInvalidId(id) is not null)
                {
                    continue;
                }

                var runDirectory = Path.Combine(runsDirectory, id);
                if (Directory.Exists(runDirectory))
                {
                    Directory.Delete(runDirectory, recursive: true);
                }

                Directory.CreateDirectory(runDirectory);
                var index = new Dictionary<string, string>(StringComparer.Ordinal) { ["GIT_INDEX_FILE"] = Path.Combine(cache.FullName, "collect.index") };
                await GitCli.RunAsync(cache.FullName, ["--work-tree=" + runDirectory, "checkout", "--quiet", reference, "--", "."], cancellationToken, index)
                    .ConfigureAwait(false);
                records.Add(ReadRecord(Path.Combine(runDirectory, RecordFileName)));
            }

            return records;
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }

    /// <summary>The commit a backlog is built on: <paramref name="revision"/> when it is a full commit id, else the remote's ref of that name (HEAD when null).</summary>
    /// <exception cref="OutcomeStoreUnavailableException">The remote cannot be reached.</exception>
    /// <exception cref="ArgumentException">The remote has no such ref; the message says which refs to try.</exception>
    public async Task<string> ResolveBaseAsync(string? revision, CancellationToken cancellationToken)
    {
        if (QueuedRequest.IsCommitId(revision))
        {
            return revision!;
        }

        var name = revision ?? "HEAD";
        var refs = await LsRemoteAsync([name], cancellationToken).ConfigureAwait(false);
        var match = refs.FirstOrDefault(r => r.Key == name || r.Key == "refs/heads/" + name || r.Key == "refs/tags/" + name);
        return match.Value ?? throw new ArgumentException(
            $"The git remote {Address} has no ref '{name}'; pass a branch name, a tag or a full commit id as the base.");
    }

    /// <summary>Reads an outcome.json; an unreadable one is reported with its path.</summary>
    public static OutcomeRecord ReadRecord(string path)
    {
        try
        {
            return OutcomeRecord.Decode(File.ReadAllText(path));
        }
        catch (Exception exception) when (exception is JsonException or IOException)
        {
            throw new InvalidDataException($"{path} is not a readable outcome record: {exception.Message}", exception);
        }
    }
}
