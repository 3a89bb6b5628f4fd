using Factory.Dataflow.Distributed;
using Factory.Runner.Cli;

namespace Factory.Runner.Queue;

/// <summary><c>factory report --remote GIT-URL [runs-dir]</c>: collects every outcome ref into a runs folder, then the usual report.</summary>
internal static class RemoteReport
{
    public static async Task<int> WriteAsync(string remote, string? runsDirectory, string? htmlFile, TextWriter output, CancellationToken cancellationToken)
    {
        var store = new GitOutcomeStore(remote);
        var folder = runsDirectory is null ? Directory.CreateTempSubdirectory("factory-outcomes-").FullName : Path.GetFullPath(runsDirectory);
        IReadOnlyList<OutcomeRecord> records;
        try
        {
            records = await store.CollectAsync(folder, null, cancellationToken).ConfigureAwait(false);
        }
        catch (OutcomeStoreUnavailableException exception)
        {
            throw new RunnerException($"{exception.Message}\nCheck --remote.", exception);
        }

        await output.WriteLineAsync($"Collected {records.Count} outcomes from {store.Address} into {folder}.").ConfigureAwait(false);
        return await ReportCommand.WriteAsync(folder, htmlFile, output, cancellationToken).ConfigureAwait(false);
    }
}
