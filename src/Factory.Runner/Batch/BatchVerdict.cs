using Factory.Runner.Cli;

namespace Factory.Runner.Batch;

/// <summary>
/// The batch's exit code, read from its journal rather than from what this run happened to collect: 0 only when
/// every request of the backlog has a finished line whose outcome is approved; 2 when one ended as an environment error. A request with no finished line (it was
/// never started, or its outcome was lost) makes the batch fail, and is named in the summary.
/// </summary>
internal static class BatchVerdict
{
    public const string NoOutcome = "no outcome";

    /// <summary>A result line for every request of the backlog that has neither a result in this run nor a finished journal line.</summary>
    public static IEnumerable<BatchLineResult> Unfinished(Backlog backlog, BatchJournal journal, IReadOnlyCollection<BatchLineResult> results)
    {
        var reported = results.Where(r => r.Id is not null).Select(r => r.Id!).ToHashSet(StringComparer.Ordinal);
        return backlog.Entries
            .Where(e => !reported.Contains(e.Request.Id) && journal.Last(e.Request.Id) is not { Event: JournalRecord.Finished })
            .Select(e => new BatchLineResult(
                e.Line, e.Request.Id, NoOutcome, "the journal has no finished line for it; run the batch again to resume it", false));
    }

    public static int ExitCode(Backlog backlog, BatchJournal journal, bool cancelled)
    {
        if (cancelled)
        {
            return ExitCodes.Interrupted;
        }

        var allApproved = backlog.Problems.Count == 0 &&
            backlog.Entries.All(e => journal.Last(e.Request.Id) is { Event: JournalRecord.Finished, Outcome: "approved" });
        if (allApproved)
        {
            return ExitCodes.Approved;
        }

        // A request that ended on the machine or the gate settings (not on the change) makes the batch an environment error.
        var environmentError = backlog.Entries.Any(e => journal.Last(e.Request.Id) is { Event: JournalRecord.Finished, Outcome: "environment_error" });
        return environmentError ? ExitCodes.UsageOrEnvironment : ExitCodes.NotApproved;
    }
}
