namespace Factory.Dataflow.Hosting.Worker;

// Taking requests from the app's channel and submitting them, until the channel completes or the host stops.
public sealed partial class FactoryWorker
{
    private async Task IntakeAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _requests.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (!stoppingToken.IsCancellationRequested && _requests.TryRead(out var request))
                {
                    await SubmitAsync(request, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: take no more requests.
        }
    }

    private async Task SubmitAsync(FeatureRequest request, CancellationToken stoppingToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        if (!_tokens.TryAdd(request.Id, source))
        {
            source.Dispose();
            await PublishAsync(NotStarted(request, $"A request with id '{request.Id}' is already in flight; ids must be unique.", OutcomeStatus.FailedInStage))
                .ConfigureAwait(false);
            return;
        }

        try
        {
            // Only the wait for room stops with the host; once accepted, the request runs on until the shutdown
            // timeout. A stop landing just as the request is accepted cancels it, and it still gets its outcome.
            await using (stoppingToken.Register(CancelIfLive, source).ConfigureAwait(false))
            {
                await _pipeline.SubmitAsync(request, source.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or InvalidOperationException)
        {
            // Not accepted, so the pipeline will never give it an outcome: the worker does.
            ReleaseToken(request.Id);
            var reason = exception is OperationCanceledException
                ? "Cancelled before it started: the worker was stopping."
                : $"Not started: {exception.Message}";
            var status = exception is OperationCanceledException ? OutcomeStatus.Cancelled : OutcomeStatus.FailedInStage;
            await PublishAsync(NotStarted(request, reason, status)).ConfigureAwait(false);
        }
    }

    private static void CancelIfLive(object? source)
    {
        try
        {
            ((CancellationTokenSource)source!).Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The request already ended and its source was released: there is nothing left to cancel.
        }
    }

    private static FeatureOutcome NotStarted(FeatureRequest request, string reason, OutcomeStatus status) => new()
    {
        Request = request,
        Status = status,
        BuildAttempts = 0,
        Seconds = 0,
        FailedStage = StageName.Plan,
        Reason = reason,
    };
}
