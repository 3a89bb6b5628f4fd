using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Factory.Dataflow.Hosting.Worker;

/// <summary>
/// A hosted service that feeds a <see cref="FactoryPipeline"/> from a channel the app writes requests to, and publishes
/// every outcome to a channel the app reads. Register it with
/// <see cref="FactoryWorkerServiceCollectionExtensions.AddFactoryWorker(Microsoft.Extensions.DependencyInjection.IServiceCollection, ChannelReader{FeatureRequest}, ChannelWriter{FeatureOutcome})"/>.
/// </summary>
/// <remarks>
/// <para>Every request the worker takes from the channel gets exactly one outcome on the outcome channel.</para>
/// <para>
/// When the request channel completes, the worker lets every accepted request finish, publishes the last outcome,
/// completes the outcome channel and ends. When the host stops, no new request starts (one still waiting for room in
/// PLAN ends <see cref="OutcomeStatus.Cancelled"/> without running); those in flight may finish until the host's
/// shutdown timeout, then they are cancelled, and <see cref="StopAsync"/> returns only once each has its outcome.
/// </para>
/// <para>
/// The outcome writer is written without a time limit, so the app must keep reading it (an unbounded channel is
/// simplest): an outcome is never dropped.
/// </para>
/// </remarks>
public sealed partial class FactoryWorker : BackgroundService
{
    private readonly FactoryPipeline _pipeline;
    private readonly bool _ownsPipeline;
    private readonly ChannelReader<FeatureRequest> _requests;
    private readonly ChannelWriter<FeatureOutcome> _outcomes;
    private readonly ILogger _logger;

    // Cancelled when the host's shutdown timeout runs out: the requests still in flight are cancelled then, not before.
    private readonly CancellationTokenSource _abort = new();

    // Each accepted request's own token source, linked to _abort; disposed when its outcome arrives.
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _tokens = new(StringComparer.Ordinal);

    /// <summary>Creates a worker over a pipeline the caller owns (the worker completes it but does not dispose it).</summary>
    /// <param name="pipeline">The pipeline; the worker must be its only submitter and its only outcome reader.</param>
    /// <param name="requests">Where the app writes requests; complete it to let the worker drain and end.</param>
    /// <param name="outcomes">Where the worker publishes outcomes; completed when the worker ends.</param>
    /// <param name="logger">Where the worker logs; null for none.</param>
    public FactoryWorker(
        FactoryPipeline pipeline,
        ChannelReader<FeatureRequest> requests,
        ChannelWriter<FeatureOutcome> outcomes,
        ILogger<FactoryWorker>? logger = null)
        : this(pipeline, ownsPipeline: false, requests, outcomes, logger)
    {
    }

    internal FactoryWorker(
        FactoryPipeline pipeline,
        bool ownsPipeline,
        ChannelReader<FeatureRequest> requests,
        ChannelWriter<FeatureOutcome> outcomes,
        ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(outcomes);
        _pipeline = pipeline;
        _ownsPipeline = ownsPipeline;
        _requests = requests;
        _outcomes = outcomes;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Requests taken from the channel that have no outcome yet.</summary>
    public int InFlight => _tokens.Count;

    /// <summary>
    /// Stops taking requests at once; lets those in flight run until <paramref name="cancellationToken"/> (the host's
    /// shutdown timeout) fires, then cancels them; returns when every one has its outcome.
    /// </summary>
    public override Task StopAsync(CancellationToken cancellationToken) =>
        GracefulStop.StopAsync(base.StopAsync, _abort, () => ExecuteTask, cancellationToken);

    /// <inheritdoc />
    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var forwarding = ForwardOutcomesAsync();
        Exception? fault = null;
        try
        {
            await IntakeAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            // No request comes after this; the pipeline's outcome stream ends once every accepted one has ended.
            _pipeline.Complete();
            try
            {
                await forwarding.ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                fault = exception;
                LogPipelineFault(exception);
            }

            _outcomes.TryComplete(fault);
            if (_ownsPipeline)
            {
                await _pipeline.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task ForwardOutcomesAsync()
    {
        await foreach (var outcome in _pipeline.ReadOutcomesAsync().ConfigureAwait(false))
        {
            ReleaseToken(outcome.Request.Id);
            await PublishAsync(outcome).ConfigureAwait(false);
        }
    }

    private async ValueTask PublishAsync(FeatureOutcome outcome)
    {
        LogOutcome(outcome.Request.Id, outcome.StatusName);

        // No token: an outcome is never dropped (see the remarks); a completed writer is the app's choice to stop listening.
        if (!_outcomes.TryWrite(outcome))
        {
            try
            {
                await _outcomes.WriteAsync(outcome, CancellationToken.None).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                LogOutcomeDropped(outcome.Request.Id);
            }
        }
    }

    private void ReleaseToken(string requestId)
    {
        if (_tokens.TryRemove(requestId, out var source))
        {
            source.Dispose();
        }
    }
}
