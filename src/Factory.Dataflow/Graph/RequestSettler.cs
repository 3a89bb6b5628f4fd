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

        var settlement = await SettleWorkspaceAsync(state).ConfigureAwait(false);
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
            if (approved)
            {
                state.Overrule(OutcomeStatus.FailedInStage, StageName.Workspace, $"Could not commit the approved change: {exception.Message}");
            }
            else
            {
                state.Overrule(state.Status!.Value, state.FailedStage ?? StageName.Workspace, $"{state.Reason} (and discarding the workspace failed: {exception.Message})");
            }
        }

        try
        {
            await workspace.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            state.Overrule(state.Status!.Value, state.FailedStage ?? StageName.Workspace, $"{state.Reason} (and releasing the workspace failed: {exception.Message})");
        }

        return settlement;
    }

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
