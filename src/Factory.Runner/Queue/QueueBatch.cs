using System.Globalization;
using Factory.Dataflow.Distributed;
using Factory.Nats;
using Factory.Runner.Batch;
using Factory.Runner.Cli;

namespace Factory.Runner.Queue;

/// <summary>
/// <c>factory batch backlog --queue nats://HOST:PORT --remote GIT-URL [--base REV] [--wait]</c>: publishes every request
/// of the backlog to the shared queue under its id (so publishing the same backlog twice adds nothing), built on one
/// base commit of the remote; with <c>--wait</c>, follows the outcome refs on the remote and ends with the usual summary.
/// </summary>
internal static class QueueBatch
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(
        string backlogPath, Action<QueueOptions> commandLine, string? baseRevision, bool wait, TextWriter output, CancellationToken cancellationToken)
    {
        var options = QueueCliOptions.FromCommandLine(commandLine);
        var backlog = Backlog.Read(backlogPath);
        foreach (var problem in backlog.Problems)
        {
            await output.WriteLineAsync($"{backlogPath}: {problem} (skipped; the other lines are published)").ConfigureAwait(false);
        }

        var store = new GitOutcomeStore(options.Remote);
        string baseCommit;
        try
        {
            baseCommit = await store.ResolveBaseAsync(baseRevision, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OutcomeStoreUnavailableException or ArgumentException)
        {
            throw new RunnerException($"{exception.Message}\nCheck --remote (and --base).", exception);
        }

        await using var telemetry = PublishTelemetry.Start();
        await using var queue = new NatsWorkQueue(options);
        var queued = 0;
        try
        {
            await queue.ConnectAsync(cancellationToken).ConfigureAwait(false);
            foreach (var entry in backlog.Entries)
            {
                var (activity, headers) = QueueTraceContext.StartPublish(entry.Request.Id);
                using (activity)
                {
                    var request = new QueuedRequest(entry.Request.Id, entry.Request.Text, options.Remote, baseCommit);
                    queued += await queue.PublishAsync(request, headers, cancellationToken).ConfigureAwait(false) == PublishResult.Queued ? 1 : 0;
                }
            }
        }
        catch (QueueUnavailableException exception)
        {
            throw new RunnerException(exception.Message, exception);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"batch: {backlog.Entries.Count} requests on base {baseCommit[..12]} to {options.Url}: {queued} queued, {backlog.Entries.Count - queued} already queued earlier; outcomes go to {options.Remote}"))
            .ConfigureAwait(false);
        if (!wait)
        {
            return backlog.Problems.Count == 0 ? ExitCodes.Approved : ExitCodes.NotApproved;
        }

        var results = await WaitAsync(backlog, store, output, cancellationToken).ConfigureAwait(false);
        if (results is null)
        {
            return ExitCodes.Interrupted;
        }

        results.AddRange(backlog.Problems.Select(p => new BatchLineResult(p.Line, null, "malformed", p.Reason, false)));
        await output.WriteLineAsync(BatchCommand.Summary(results)).ConfigureAwait(false);
        return results.All(r => r.Status == "approved") ? ExitCodes.Approved : ExitCodes.NotApproved;
    }

    /// <summary>Polls the remote's outcome refs until every request has one, then reads them; null when cancelled first.</summary>
    private static async Task<List<BatchLineResult>?> WaitAsync(Backlog backlog, GitOutcomeStore store, TextWriter output, CancellationToken cancellationToken)
    {
        var ids = backlog.Entries.Select(e => e.Request.Id).ToHashSet(StringComparer.Ordinal);
        var reported = -1;
        try
        {
            while (true)
            {
                var done = (await store.ListAsync(cancellationToken).ConfigureAwait(false)).Count(ids.Contains);
                if (done != reported)
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"batch: {done} of {ids.Count} requests have an outcome")).ConfigureAwait(false);
                    reported = done;
                }

                if (done == ids.Count)
                {
                    break;
                }

                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (OutcomeStoreUnavailableException exception)
        {
            throw new RunnerException(exception.Message, exception);
        }

        var scratch = Directory.CreateTempSubdirectory("factory-batch-outcomes-");
        try
        {
            var records = (await store.CollectAsync(scratch.FullName, ids, cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.Id, StringComparer.Ordinal);
            return [.. backlog.Entries.Select(e => records.TryGetValue(e.Request.Id, out var r)
                ? new BatchLineResult(e.Line, r.Id, r.Status, r.IsApproved ? $"{r.Branch} (worker {r.Worker})" : r.Reason, false)
                : new BatchLineResult(e.Line, e.Request.Id, "?", "the outcome ref vanished while it was read", false))];
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}
