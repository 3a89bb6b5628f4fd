using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow;

/// <summary>
/// What each block of the graph does with a request, and where the request goes next. Each step sets
/// <see cref="RequestState.Next"/>; the graph's links route on it.
/// </summary>
internal sealed class PipelineSteps(
    StageAttemptRunner runner,
    PipelineOptions options,
    IWorkspaceProvider? workspaces,
    IRequestPreparation? preparation,
    LoopAdmission admission,
    TimeProvider time)
{
    public async Task<RequestState> PlanAsync(RequestState state)
    {
        if (preparation is not null && !await PrepareAsync(state).ConfigureAwait(false))
        {
            return state;
        }

        var result = await runner.RunAsync(state, StageName.Plan).ConfigureAwait(false);
        if (result is null)
        {
            return state;
        }

        if (!result.Ok)
        {
            state.End(OutcomeStatus.FailedInStage, StageName.Plan, $"PLAN's eval failed: {result.Detail}");
        }
        else if (result.Output is not Spec spec)
        {
            state.End(OutcomeStatus.FailedInStage, StageName.Plan, $"PLAN returned {Describe(result.Output)} instead of a Spec.");
        }
        else
        {
            state.Spec = spec;
            state.Next = Hop.Scout;
        }

        return state;
    }

    public async Task<RequestState> ScoutAsync(RequestState state)
    {
        if (!await EnsureWorkspaceAsync(state).ConfigureAwait(false))
        {
            return state;
        }

        // SCOUT gets one retry, told why its first brief failed; then the request fails at SCOUT.
        string reason = "";
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var result = await runner.RunAsync(state, StageName.Scout).ConfigureAwait(false);
            if (result is null)
            {
                return state;
            }

            if (result.Ok && result.Output is ScoutBrief brief)
            {
                state.Brief = brief;
                state.Feedback = null;
                state.FeedbackFrom = null;
                state.Next = Hop.Admit;
                return state;
            }

            reason = result.Ok ? $"SCOUT returned {Describe(result.Output)} instead of a brief." : result.Detail;
            state.Feedback = reason;
            state.FeedbackFrom = StageName.Scout;
        }

        state.End(OutcomeStatus.FailedInStage, StageName.Scout, $"SCOUT's brief failed its eval twice: {reason}");
        return state;
    }

    public async Task<RequestState> AdmitAsync(RequestState state)
    {
        try
        {
            await admission.EnterAsync(state).ConfigureAwait(false);
            state.Next = Hop.Build;
        }
        catch (OperationCanceledException) when (state.Token.IsCancellationRequested)
        {
            state.End(OutcomeStatus.Cancelled, StageName.Build, "Cancelled while waiting to enter the build loop.");
        }

        return state;
    }

    public async Task<RequestState> BuildAsync(RequestState state)
    {
        if (state.Token.IsCancellationRequested)
        {
            // Not a BUILD call: the budget counts calls, and a cancelled request makes none.
            state.End(OutcomeStatus.Cancelled, StageName.Build, "Cancelled before BUILD.");
            return LeaveLoopIfDone(state);
        }

        state.BuildAttempts++;
        var result = await runner.RunAsync(state, StageName.Build).ConfigureAwait(false);
        return LeaveLoopIfDone(Route(state, StageName.Build, result, Hop.Validate));
    }

    public async Task<RequestState> ValidateAsync(RequestState state)
    {
        var result = await runner.RunAsync(state, StageName.Validate).ConfigureAwait(false);
        return LeaveLoopIfDone(Route(state, StageName.Validate, result, Hop.Test));
    }

    public async Task<RequestState> TestAsync(RequestState state)
    {
        var result = await runner.RunAsync(state, StageName.Test).ConfigureAwait(false);
        return LeaveLoopIfDone(Route(state, StageName.Test, result, Hop.Review));
    }

    public async Task<RequestState> ReviewAsync(RequestState state)
    {
        var result = await runner.RunAsync(state, StageName.Review).ConfigureAwait(false);
        if (result is null)
        {
            return state;
        }

        if (result.Output is ReviewVerdict verdict)
        {
            state.ReviewReasons = verdict.Reasons;
            if (verdict.Approved && result.Ok)
            {
                state.End(OutcomeStatus.Approved, null, null);
                return state;
            }

            if (!verdict.Approved)
            {
                var reasons = verdict.Reasons.Count == 0 ? "(no reasons given)" : string.Join("; ", verdict.Reasons);
                state.End(OutcomeStatus.Rejected, StageName.Review, $"REVIEW rejected the change: {reasons}");
                return state;
            }
        }

        // A malformed or contradictory reply is a failure, never an approval.
        state.End(
            OutcomeStatus.FailedInStage,
            StageName.Review,
            result.Ok ? $"REVIEW returned {Describe(result.Output)} instead of a verdict." : $"REVIEW failed: {result.Detail}");
        return state;
    }

    /// <summary>Moves a request on after a loop stage: forward when it passed, back to BUILD when budget remains.</summary>
    private RequestState Route(RequestState state, StageName stage, StageResult? result, Hop forward)
    {
        if (result is null)
        {
            return state;
        }

        if (result.Ok)
        {
            state.Next = forward;
            return state;
        }

        if (state.BuildAttempts >= options.BuildBudget)
        {
            state.End(
                OutcomeStatus.BuildBudgetExhausted,
                stage,
                $"{stage.ToDisplayName()} failed after BUILD attempt {state.BuildAttempts} of {options.BuildBudget}; last feedback:\n{result.Detail}");
            return state;
        }

        state.Feedback = result.Detail;
        state.FeedbackFrom = stage;
        state.Next = Hop.Feedback;
        return state;
    }

    private RequestState LeaveLoopIfDone(RequestState state)
    {
        if (state.Next is Hop.Review or Hop.Settle)
        {
            admission.LeaveIfInside(state);
        }

        return state;
    }

    private async ValueTask<bool> EnsureWorkspaceAsync(RequestState state)
    {
        if (workspaces is null || state.Workspace is not null)
        {
            return true;
        }

        var timeout = options.Settle.Timeout;
        using var timeoutSource = new CancellationTokenSource(timeout, time); // InfiniteTimeSpan starts no timer
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(state.Token, timeoutSource.Token);
        try
        {
            state.Workspace = await workspaces.CreateAsync(state.Request, state.Trace.RunDirectory, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (state.Token.IsCancellationRequested)
        {
            state.End(OutcomeStatus.Cancelled, StageName.Workspace, "Cancelled while creating the workspace.");
        }
        catch (Exception exception)
        {
            state.End(OutcomeStatus.FailedInStage, StageName.Workspace, $"Could not create the workspace: {exception.Message}");
        }

        return false;
    }

    /// <summary>Creates the workspace early and prepares the request in it, before PLAN's model call.</summary>
    private async ValueTask<bool> PrepareAsync(RequestState state)
    {
        if (!await EnsureWorkspaceAsync(state).ConfigureAwait(false))
        {
            return false;
        }

        if (state.Workspace is not { } workspace)
        {
            return true;
        }

        try
        {
            await preparation!.PrepareAsync(state.Request, workspace, state.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (state.Token.IsCancellationRequested)
        {
            state.End(OutcomeStatus.Cancelled, StageName.Workspace, "Cancelled while preparing the request.");
        }
        catch (GateEnvironmentException exception)
        {
            state.End(OutcomeStatus.EnvironmentError, StageName.Workspace, $"Before any model call: {exception.Message}");
        }
        catch (Exception exception)
        {
            state.End(OutcomeStatus.FailedInStage, StageName.Workspace, $"Could not prepare the request: {exception.GetType().Name}: {exception.Message}");
        }

        return false;
    }

    private static string Describe(object? output) => output is null ? "nothing" : $"a {output.GetType().Name}";
}
