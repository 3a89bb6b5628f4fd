using Factory.Dataflow;
using Factory.Runner.Progress;

namespace Factory.Runner.Batch;

/// <summary>
/// Streams a backlog's pending requests through one pipeline: each is journalled as started before it is submitted and
/// as finished (or interrupted, when Ctrl-C cancelled it) when its outcome arrives. Submission is paced by a number of
/// slots, so the batch budget is checked shortly before each request starts rather than once for the whole backlog.
/// </summary>
internal sealed class BatchRunner(
    FactoryPipeline pipeline, BatchJournal journal, ProgressTraceSink sink, IProgressView view, BatchBudget budget, TimeProvider time)
{
    public async Task<IReadOnlyList<BatchLineResult>> RunAsync(
        IReadOnlyList<BacklogEntry> pending, long spentBefore, decimal costBefore, int slots, CancellationToken cancellationToken)
    {
        var results = new List<BatchLineResult>();
        var lines = pending.ToDictionary(e => e.Request.Id, e => e.Line, StringComparer.Ordinal);
        using var free = new SemaphoreSlim(slots, slots);
        var consumer = ConsumeAsync(results, lines, free, cancellationToken);
        try
        {
            foreach (var entry in pending)
            {
                await free.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (budget.IsSpent(spentBefore + sink.Tokens, costBefore + sink.Cost))
                {
                    free.Release();
                    Add(results, new BatchLineResult(entry.Line, entry.Request.Id, "not started", BatchBudget.NotStartedReason, false));
                    continue;
                }

                journal.Append(new JournalRecord { Event = JournalRecord.Started, Id = entry.Request.Id, Timestamp = time.GetUtcNow() });
                await pipeline.SubmitAsync(entry.Request, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: nothing new starts; the requests in flight are cancelled below and each still ends with its outcome.
            view.Note("stopping: cancelling the requests in flight (the journal marks them interrupted; run the batch again to resume)");
            pipeline.CancelAll();
        }

        pipeline.Complete();
        await consumer.ConfigureAwait(false);
        await pipeline.Completion.ConfigureAwait(false);
        return results;
    }

    private async Task ConsumeAsync(
        List<BatchLineResult> results, Dictionary<string, int> lines, SemaphoreSlim free, CancellationToken cancellationToken)
    {
        await foreach (var outcome in pipeline.ReadOutcomesAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var id = outcome.Request.Id;
            if (outcome.Status == OutcomeStatus.Cancelled && cancellationToken.IsCancellationRequested)
            {
                journal.Append(new JournalRecord { Event = JournalRecord.Interrupted, Id = id, Reason = "stopped by Ctrl-C", Timestamp = time.GetUtcNow() });
                Add(results, new BatchLineResult(lines[id], id, "interrupted", "stopped by Ctrl-C; it runs again when the batch is resumed", false));
            }
            else
            {
                journal.Append(new JournalRecord
                {
                    Event = JournalRecord.Finished, Id = id, Outcome = outcome.StatusName, Tokens = outcome.TokensSpent, Cost = outcome.CostSpent,
                    Branch = outcome.Branch, Reason = outcome.Reason, Timestamp = time.GetUtcNow(),
                });
                Add(results, new BatchLineResult(lines[id], id, outcome.StatusName, outcome.IsApproved ? outcome.Branch : outcome.Reason, false));
            }

            view.Finished(outcome);
            free.Release();
        }
    }

    private static void Add(List<BatchLineResult> results, BatchLineResult result)
    {
        lock (results)
        {
            results.Add(result);
        }
    }
}
