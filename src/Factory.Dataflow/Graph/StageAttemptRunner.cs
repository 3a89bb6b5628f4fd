using System.Diagnostics;
using Factory.Dataflow.Budget;
using Factory.Dataflow.Diagnostics;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Tracing;

namespace Factory.Dataflow;

/// <summary>
/// Runs one attempt of one stage for one request: builds its context, applies the timeout, times it, turns every
/// exception into that request's ending, and writes the attempt's trace event. Never throws.
/// </summary>
internal sealed class StageAttemptRunner(
    IReadOnlyDictionary<StageName, IFactoryStage> stages,
    PipelineOptions options,
    TimeProvider time)
{
    /// <summary>
    /// The stage's result, or null when the attempt ended the request (cancelled, timed out, threw, over budget);
    /// the ending is then already recorded on <paramref name="state"/>.
    /// </summary>
    public async ValueTask<StageResult?> RunAsync(RequestState state, StageName stage, IEnumerable<KeyValuePair<string, object?>>? extras = null)
    {
        if (state.Token.IsCancellationRequested)
        {
            state.End(OutcomeStatus.Cancelled, stage, $"Cancelled before {stage.ToDisplayName()}.");
            return null;
        }

        var attempt = state.NextAttempt(stage);
        var context = new StageContext(
            state.Request,
            stage,
            attempt,
            state.Spec,
            state.Brief,
            state.Workspace,
            stage is StageName.Build or StageName.Scout ? state.Feedback : null,
            stage is StageName.Build or StageName.Scout ? state.FeedbackFrom : null,
            state.BuildAttempts,
            state.Budget,
            state.Trace.RunDirectory);
        if (extras is not null)
        {
            foreach (var (name, value) in extras)
            {
                context.Usage.SetExtra(name, value);
            }
        }

        using var activity = StartActivity(state, stage, attempt);
        var timeout = options.For(stage).Timeout;

        // One source that the timer and the request's token both cancel, rather than a timed source plus a linked one:
        // a linked source costs a second object and two registrations per attempt, which the 100,000 requests/s target
        // notices (docs/benchmarks.md, question 1). A source already cancelled when registered is cancelled at once.
        using var timeoutSource = timeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(timeout, time);
        using var requestCancels = timeoutSource is null
            ? default
            : state.Token.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timeoutSource);
        var token = timeoutSource?.Token ?? state.Token;

        var started = time.GetTimestamp();
        var cpu = ProcessCpuAccount.Open(); // Flows into the stage's awaits; restored when this method returns.
        StageResult? result = null;
        try
        {
            result = await stages[stage].ExecuteAsync(context, token).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"{stage.ToDisplayName()} returned no result.");
        }
        catch (OperationCanceledException) when (state.Token.IsCancellationRequested)
        {
            state.End(OutcomeStatus.Cancelled, stage, $"Cancelled during {stage.ToDisplayName()}.");
        }
        catch (OperationCanceledException) when (timeoutSource?.IsCancellationRequested == true)
        {
            state.End(OutcomeStatus.FailedInStage, stage, $"{stage.ToDisplayName()} timed out after {timeout}.");
        }
        catch (BudgetExceededException budget)
        {
            state.End(OutcomeStatus.BudgetExceeded, stage, budget.Message);
        }
        catch (GateEnvironmentException environment)
        {
            // Not the change's doing (a tool missing, a gate that cannot run): no retry, and the runner exits 2.
            state.End(OutcomeStatus.EnvironmentError, stage, $"{stage.ToDisplayName()} cannot run here: {environment.Message}");
        }
        catch (Exception exception)
        {
            state.End(OutcomeStatus.FailedInStage, stage, $"{stage.ToDisplayName()} failed: {exception.GetType().Name}: {exception.Message}");
        }

        var elapsed = time.GetElapsedTime(started);
        var usage = context.Usage;
        var metrics = new StageMetrics(
            stage, usage.Model, usage.ServedBy, usage.TokensIn, usage.TokensOut, (long)elapsed.TotalMilliseconds, usage.Retries, result?.Ok == true)
        {
            CpuMs = (long)cpu.Total.TotalMilliseconds,
            CpuUnmeasured = cpu.Unmeasured,
        };
        state.AddMetrics(metrics);
        Record(activity, metrics, elapsed);
        if (result is null)
        {
            // The attempt ended the request (cancelled, timed out, threw, over budget): say why on its span, not only on the request's.
            activity?.SetStatus(ActivityStatusCode.Error, state.Reason);
        }

        if (state.Trace is NullTraceSink)
        {
            // Nothing would keep the event: building its fields is most of an attempt's allocation with no-op stages.
            return result;
        }

        var fields = new List<KeyValuePair<string, object?>>(usage.Extras);
        if (context.Feedback is { } feedback)
        {
            // The exact failure text that caused this retry.
            fields.Add(new("feedback", feedback));
            fields.Add(new("feedback_from", context.FeedbackFrom?.ToTraceName()));
        }

        AddOutputFields(fields, result?.Output);
        if (usage.Cost != 0m)
        {
            fields.Add(new("cost", usage.Cost));
        }

        if (result is { Ok: false })
        {
            fields.Add(new("detail", result.Detail));
        }
        else if (result is null)
        {
            fields.Add(new("error", state.Reason));
        }

        await WriteTraceAsync(state, TraceEvent.ForAttempt(state.Request.Id, metrics, attempt, time.GetUtcNow(), fields)).ConfigureAwait(false);
        return result;
    }

    /// <summary>Writes a trace event; a broken trace must not lose the request, so failures end it instead.</summary>
    public static async ValueTask WriteTraceAsync(RequestState state, TraceEvent traceEvent)
    {
        try
        {
            await state.Trace.WriteAsync(traceEvent, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            state.End(OutcomeStatus.FailedInStage, StageName.Workspace, $"Could not write the trace: {exception.Message}");
        }
    }

    private static void AddOutputFields(List<KeyValuePair<string, object?>> fields, object? output)
    {
        switch (output)
        {
            case Spec spec:
                fields.Add(new("title", spec.Title));
                break;
            case ReviewVerdict verdict:
                fields.Add(new("verdict", verdict.Approved ? "approve" : "reject"));
                fields.Add(new("reasons", verdict.Reasons));
                break;
            case ScoutBrief brief:
                fields.Add(new("files", brief.Files));
                break;
        }
    }

    private static Activity? StartActivity(RequestState state, StageName stage, int attempt)
    {
        var parent = state.Activity?.Context ?? default;
        var activity = FactoryDiagnostics.ActivitySource.StartActivity(FactoryDiagnostics.StageActivityName, ActivityKind.Internal, parent);
        activity?.SetTag("factory.request_id", state.Request.Id);
        activity?.SetTag("factory.stage", stage.ToTraceName());
        activity?.SetTag("factory.attempt", attempt);
        return activity;
    }

    private static void Record(Activity? activity, StageMetrics metrics, TimeSpan elapsed)
    {
        var stageTag = new KeyValuePair<string, object?>("stage", metrics.Stage.ToTraceName());

        // Checked first so that nobody listening costs nothing: the tags box the flag on every attempt.
        if (FactoryDiagnostics.StageDuration.Enabled)
        {
            FactoryDiagnostics.StageDuration.Record(elapsed.TotalMilliseconds, stageTag, new("eval_ok", metrics.EvalOk));
        }

        if (metrics.TokensIn > 0)
        {
            FactoryDiagnostics.StageTokens.Add(metrics.TokensIn, stageTag, new("model", metrics.Model), new("direction", "in"));
        }

        if (metrics.TokensOut > 0)
        {
            FactoryDiagnostics.StageTokens.Add(metrics.TokensOut, stageTag, new("model", metrics.Model), new("direction", "out"));
        }

        if (metrics.Retries > 0)
        {
            FactoryDiagnostics.StageRetries.Add(metrics.Retries, stageTag);
        }

        if (activity is null)
        {
            return;
        }

        activity.SetTag("factory.model", metrics.Model);
        activity.SetTag("factory.served_by", metrics.ServedBy);
        activity.SetTag("factory.tokens_in", metrics.TokensIn);
        activity.SetTag("factory.tokens_out", metrics.TokensOut);
        activity.SetTag("factory.retries", metrics.Retries);
        activity.SetTag("factory.eval_ok", metrics.EvalOk);
        activity.SetStatus(metrics.EvalOk ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
    }
}
