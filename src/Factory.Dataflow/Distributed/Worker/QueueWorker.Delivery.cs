using System.Security.Cryptography;
using Factory.Dataflow.Tracing;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow.Distributed;

// One delivery, from receipt to ack or release.
public sealed partial class QueueWorker
{
    private async Task HandleAsync(IQueueDelivery delivery)
    {
        var request = QueuedRequest.TryDecode(delivery.Body.Span, out var problem);
        using var activity = QueueTraceContext.StartProcess(delivery.Headers, request?.Id ?? delivery.MessageId);
        activity?.SetTag("factory.delivery", delivery.DeliveryCount);
        try
        {
            if (request is null)
            {
                // Not redelivered forever: it ends now, under the id it was published with (or its body's hash).
                var id = delivery.MessageId is { } messageId && FeatureRequest.ExplainInvalidId(messageId) is null
                    ? messageId
                    : "malformed-" + Convert.ToHexStringLower(SHA256.HashData(delivery.Body.Span))[..12];
                await EndWithoutRunningAsync(delivery, OutcomeRecord.Fail(id, "", null, $"malformed request: {problem}", Name, delivery.DeliveryCount, _time.GetUtcNow()))
                    .ConfigureAwait(false);
            }
            else if (delivery.DeliveryCount > _options.MaxDeliveries)
            {
                await EndWithoutRunningAsync(delivery, OutcomeRecord.Fail(
                    request.Id, request.Text, request.BaseCommit,
                    $"delivery limit: delivered {delivery.DeliveryCount} times, more than Factory:Queue:MaxDeliveries ({_options.MaxDeliveries}); the workers that took it died or were stopped",
                    Name, delivery.DeliveryCount, _time.GetUtcNow())).ConfigureAwait(false);
            }
            else if (!_running.TryAdd(request.Id, 0))
            {
                // The broker gave this worker a second delivery of a request it is still running (its heartbeat came
                // late): the running one will settle it; this one comes back later and finds the outcome.
                await delivery.ReleaseAsync(_options.AckWait, CancellationToken.None).ConfigureAwait(false);
                Report(QueueWorkerEventKind.Released, request.Id, delivery.DeliveryCount, "already running here");
            }
            else
            {
                try
                {
                    await RunAsync(delivery, request).ConfigureAwait(false);
                }
                finally
                {
                    _running.TryRemove(request.Id, out _);
                }
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            await ReleaseQuietlyAsync(delivery, request?.Id ?? delivery.MessageId ?? "?").ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Not ours to decide (a bug, a full disk): leave the delivery to the ack wait so another worker retries.
            LogDeliveryFailed(exception, request?.Id ?? delivery.MessageId ?? "?");
            Report(QueueWorkerEventKind.Faulted, request?.Id ?? delivery.MessageId ?? "?", delivery.DeliveryCount, $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    private async Task RunAsync(IQueueDelivery delivery, QueuedRequest request)
    {
        await using var heartbeat = Heartbeat.Start(delivery, _options.Heartbeat, _time, message => LogInfrastructure(message));
        var alreadyDone = false;
        await RetryAsync(async () => alreadyDone = await _store.ExistsAsync(request.Id, _abort.Token).ConfigureAwait(false), "checking the outcome", _abort.Token)
            .ConfigureAwait(false);
        if (alreadyDone)
        {
            await AckQuietlyAsync(delivery, request.Id).ConfigureAwait(false);
            Report(QueueWorkerEventKind.AlreadyDone, request.Id, delivery.DeliveryCount);
            return;
        }

        string? checkout = null;
        try
        {
            await RetryAsync(async () => checkout = await _workspaces.PrepareAsync(request.Id, request.BaseCommit, _abort.Token).ConfigureAwait(false), "preparing the base", _abort.Token)
                .ConfigureAwait(false);
        }
        catch (BaseCommitMissingException exception)
        {
            await EndWithoutRunningAsync(delivery, OutcomeRecord.Fail(
                request.Id, request.Text, request.BaseCommit, $"base commit missing: {exception.Message}", Name, delivery.DeliveryCount, _time.GetUtcNow()))
                .ConfigureAwait(false);
            return;
        }

        try
        {
            Report(QueueWorkerEventKind.Started, request.Id, delivery.DeliveryCount);
            var outcome = await _pipeline.RunAsync(request.ToFeatureRequest(), _abort.Token).ConfigureAwait(false);
            if (outcome.Status == OutcomeStatus.Cancelled && _abort.IsCancellationRequested)
            {
                await ReleaseQuietlyAsync(delivery, request.Id).ConfigureAwait(false);
                return;
            }

            var commit = outcome.IsApproved && outcome.Branch is { } branch
                ? (await GitCli.RunAsync(checkout!, ["rev-parse", "--verify", "refs/heads/" + branch + "^{commit}"], _abort.Token).ConfigureAwait(false)).Trim()
                : null;
            var record = OutcomeRecord.From(outcome, request, commit, Name, delivery.DeliveryCount, _time.GetUtcNow());
            var trace = ReadTrace(outcome) ?? record.FinalTraceLine();
            var push = new OutcomeToPush(record, trace, outcome.IsApproved ? null : outcome.Diff, commit, checkout!);
            var result = OutcomePushResult.Lost;
            await RetryAsync(async () => result = await _store.PushAsync(push, _abort.Token).ConfigureAwait(false), "pushing the outcome", _abort.Token)
                .ConfigureAwait(false);
            await AckQuietlyAsync(delivery, request.Id).ConfigureAwait(false);
            Report(result == OutcomePushResult.Won ? QueueWorkerEventKind.Won : QueueWorkerEventKind.Lost, request.Id, delivery.DeliveryCount, record.Status);
        }
        finally
        {
            await _workspaces.ReleaseAsync(request.Id, checkout, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Stores an outcome the pipeline never produced (the repository the outcome commit is made in is the mirror), then acks.</summary>
    private async Task EndWithoutRunningAsync(IQueueDelivery delivery, OutcomeRecord record)
    {
        await using var heartbeat = Heartbeat.Start(delivery, _options.Heartbeat, _time, message => LogInfrastructure(message));
        var result = OutcomePushResult.Lost;
        await RetryAsync(async () =>
        {
            var mirror = await _workspaces.MirrorPathAsync(_abort.Token).ConfigureAwait(false);
            result = await _store.PushAsync(new OutcomeToPush(record, record.FinalTraceLine(), null, null, mirror), _abort.Token).ConfigureAwait(false);
        }, "pushing the outcome", _abort.Token).ConfigureAwait(false);
        await AckQuietlyAsync(delivery, record.Id).ConfigureAwait(false);
        Report(result == OutcomePushResult.Won ? QueueWorkerEventKind.Ended : QueueWorkerEventKind.Lost, record.Id, delivery.DeliveryCount, record.Reason);
    }

    private static string? ReadTrace(FeatureOutcome outcome) =>
        outcome.RunDirectory is { } folder && File.Exists(Path.Combine(folder, JsonlTraceSink.FileName))
            ? File.ReadAllText(Path.Combine(folder, JsonlTraceSink.FileName))
            : null;

    private async Task AckQuietlyAsync(IQueueDelivery delivery, string requestId)
    {
        try
        {
            await delivery.AckAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is QueueUnavailableException or OperationCanceledException or InvalidOperationException)
        {
            // The outcome is stored: a redelivery finds it and is acked without running.
            LogInfrastructure($"The ack of '{requestId}' failed ({exception.Message}); its redelivery will find the outcome and be acked.");
        }
    }

    private async Task ReleaseQuietlyAsync(IQueueDelivery delivery, string requestId)
    {
        try
        {
            await delivery.ReleaseAsync(TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            Report(QueueWorkerEventKind.Released, requestId, delivery.DeliveryCount, "the worker is stopping");
        }
        catch (Exception exception) when (exception is QueueUnavailableException or OperationCanceledException or InvalidOperationException)
        {
            LogInfrastructure($"Releasing '{requestId}' failed ({exception.Message}); the broker redelivers it after its ack wait.");
        }
    }
}
