using Factory.Dataflow.Tracing;
using Factory.Runner.Hosting;

namespace Factory.Runner.Batch;

/// <summary>
/// Settles the requests an earlier run of the batch started and never finished (killed, or stopped by Ctrl-C), before
/// any of them runs again. The workspace provider has already removed their worktrees and empty branches at start-up.
/// A run whose trace has its final event did finish (the process died before journalling it): its outcome is taken
/// from the trace and it is not run again. Any other is started over: its run directory and its branch (which may hold
/// the commit of a settle that never got to write its final event) are removed, so the new run does not collide.
/// </summary>
internal static class InterruptedRequests
{
    public static async Task<int> SettleAsync(
        BatchJournal journal, IEnumerable<BacklogEntry> entries, string runsDirectory, string repository, string branchPrefix,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var restarted = 0;
        foreach (var entry in entries)
        {
            var id = entry.Request.Id;
            if (journal.Last(id) is not { Event: not JournalRecord.Finished })
            {
                continue;
            }

            var runDirectory = Path.Combine(runsDirectory, id);
            var final = File.Exists(Path.Combine(runDirectory, JsonlTraceSink.FileName)) ? TraceReader.ReadRun(runDirectory).Final : null;
            if (final is not null && final.Outcome != "cancelled")
            {
                journal.Append(new JournalRecord
                {
                    Event = JournalRecord.Finished, Id = id, Outcome = final.Outcome, Tokens = final.Tokens, Cost = final.Cost,
                    Branch = final.Branch, Reason = final.Reason ?? "recovered from the run's trace", Timestamp = time.GetUtcNow(),
                });
                continue;
            }

            if (Directory.Exists(runDirectory))
            {
                Directory.Delete(runDirectory, recursive: true);
            }

            await DeleteBranchAsync(repository, branchPrefix + id, cancellationToken).ConfigureAwait(false);
            restarted++;
        }

        return restarted;
    }

    private static async Task DeleteBranchAsync(string repository, string branch, CancellationToken cancellationToken)
    {
        if (!await Git.BranchExistsAsync(repository, branch, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var deleted = await Git.RunAsync(repository, ["branch", "-D", branch], cancellationToken).ConfigureAwait(false);
        if (deleted.ExitCode != 0)
        {
            throw new InvalidOperationException($"Could not delete the branch {branch} of an interrupted request: {deleted.Error.Trim()}");
        }
    }
}
