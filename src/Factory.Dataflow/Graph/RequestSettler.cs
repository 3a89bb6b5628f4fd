using System.Diagnostics;
using Factory.Dataflow.Diagnostics;
using Factory.Dataflow.Tracing;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow;

/// <summary>
/// The last step of every request: commits or discards its workspace, writes the final <c>pipeline</c> trace event
/// and builds the <see cref="FeatureOutcome"/>. Never throws.
/// </summary>
internal sealed class RequestSettler(PipelineOptions options, LoopAdmission admission, TimeProvider time)
{
    public async Task<FeatureOutcome> SettleAsync(RequestState state)
    {
        admission.LeaveIfInside(state);
        if (state.Status is null)
        {
            state.End(OutcomeStatus.FailedInStage, StageName.Workspace, $"Internal error: the request left the graph at {state.Next} without an ending.");
        }

        WorkspaceSettlement? settlement;
        try
        {
            settlement = await SettleWorkspaceAsync(state).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Never reached by the workspace's own failures (handled above); kept so that no fault can cost the outcome.
            Fail(state, $"Internal error while settling: {exception.Message}");
            settlement = null;
        }

        var outcome = new FeatureOutcome
        {
            Request = state.Request,
            Status = state.Status!.Value,
            BuildAttempts = state.BuildAttempts,
            Seconds = time.GetElapsedTime(state.StartTimestamp).TotalSeconds,
            FailedStage = state.FailedStage,
            Reason = state.Reason,
            Spec = state.Spec,
            ReviewReasons = state.ReviewReasons,
            Branch = state.Status == OutcomeStatus.Approved ? settlement?.Branch : null,
            Diff = settlement?.Diff,
            RunDirectory = state.Trace.RunDirectory,
            Stages = state.Metrics,
            TokensSpent = state.Budget.TokensSpent,
            CostSpent = state.Budget.CostSpent,
        };

        if (state.Trace is not NullTraceSink)
        {
            await StageAttemptRunner.WriteTraceAsync(state, TraceEvent.ForOutcome(outcome, time.GetUtcNow())).ConfigureAwait(false);
        }

        await CloseTraceAsync(state).ConfigureAwait(false);
        Record(state.Activity, outcome);
        return outcome;
    }

    /// <summary>
    /// Commits or discards the workspace. Any failure here (git's, the file system's, the time limit) ends the request
    /// "failed" in the workspace step with the failure's own message; the workspace removes what it left before it
    /// throws, and disposal still runs, so the request keeps exactly one outcome.
    /// </summary>
    private async ValueTask<WorkspaceSettlement?> SettleWorkspaceAsync(RequestState state)
    {
        if (state.Workspace is not { } workspace)
        {
            return null;
        }

        var approved = state.Status == OutcomeStatus.Approved;
        WorkspaceSettlement? settlement = null;

        // Settling is cleanup: it runs even for a cancelled request, with its own time limit instead of the request's token.
        var timeout = options.Settle.Timeout;
        using var timeoutSource = new CancellationTokenSource(timeout, time); // InfiniteTimeSpan starts no timer
        try
        {
            settlement = await workspace.SettleAsync(approved, CommitMessage(state), timeoutSource.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Fail(state, approved ? exception.Message : $"{state.Reason} (and then: {exception.Message})");
        }

        try
        {
            await workspace.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Fail(state, $"{state.Reason} (and releasing the workspace failed: {exception.Message})");
        }

        return settlement;
    }

    private static void Fail(RequestState state, string reason) => state.Overrule(OutcomeStatus.FailedInStage, StageName.Workspace, reason);

    private static string CommitMessage(RequestState state)
    {
        var title = state.Spec?.Title ?? state.Request.Text;
        return $"{title}\n\nFactory request {state.Request.Id}: {state.Request.Text}\n";
    }

    private static async ValueTask CloseTraceAsync(RequestState state)
    {
        try
        {
            await state.Trace.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The events were flushed as they were written; a failing close loses nothing more.
        }
    }

    private static void Record(Activity? activity, FeatureOutcome outcome)
    {
        FactoryDiagnostics.Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", outcome.StatusName));
        if (activity is null)
        {
            return;
        }

        activity.SetTag("factory.outcome", outcome.StatusName);
        activity.SetTag("factory.build_attempts", outcome.BuildAttempts);
        activity.SetTag("factory.tokens", outcome.TokensSpent);
        if (outcome.FailedStage is { } stage)
        {
            activity.SetTag("factory.failed_stage", stage.ToTraceName());
        }

        activity.SetStatus(outcome.IsApproved ? ActivityStatusCode.Ok : ActivityStatusCode.Error, outcome.Reason);
        activity.Stop();
    }
}
