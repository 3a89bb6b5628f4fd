using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Factory.Dataflow.Distributed;

/// <summary>
/// A hosted service that takes requests from a shared <see cref="IWorkQueue"/>, runs each through a
/// <see cref="FactoryPipeline"/> on a worktree at the request's base commit, and stores every outcome in the
/// <see cref="IOutcomeStore"/> before it acknowledges the delivery. Register it with
/// <see cref="QueueWorkerServiceCollectionExtensions.AddFactoryQueueWorker"/>.
/// </summary>
/// <remarks>
/// <para>
/// Exactly once comes from the store, not the broker: a delivery whose request already has an outcome is acked without
/// running, and a worker whose push loses the race drops its result. A delivery stays alive while the worker works
/// (<see cref="QueueOptions.Heartbeat"/>); a dead worker's delivery comes back after <see cref="QueueOptions.AckWait"/>.
/// </para>
/// <para>
/// It drives <see cref="FactoryPipeline.RunAsync"/> itself rather than through <c>FactoryWorker</c>: a request cancelled
/// by a stopping worker must not get an outcome but go back to the queue, and each request's activity must continue the
/// trace its message carried, which a shared intake loop cannot give per request.
/// </para>
/// <para>
/// Stopping: no new pulls at once; requests in flight finish until the host's shutdown timeout, then they are cancelled
/// and released for redelivery; <see cref="StopAsync"/> returns when each has been pushed and acked or released.
/// </para>
/// </remarks>
public sealed partial class QueueWorker : BackgroundService
{
    private readonly QueueOptions _options;
    private readonly IWorkQueue _queue;
    private readonly IOutcomeStore _store;
    private readonly BaseCommitWorkspaces _workspaces;
    private readonly FactoryPipeline _pipeline;
    private readonly bool _ownsPipeline;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<QueueWorkerEvent>? _onEvent;
    private readonly CancellationTokenSource _abort = new();
    private readonly ConcurrentDictionary<string, byte> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _prepared = new(1, 1);
    private bool _isPrepared;

    /// <summary>Creates the worker.</summary>
    /// <param name="options">The queue options (copied; validated here).</param>
    /// <param name="queue">The shared backlog.</param>
    /// <param name="store">Where outcomes are decided.</param>
    /// <param name="workspaces">The workspaces the pipeline was built with (<c>UseWorkspace(workspaces)</c>).</param>
    /// <param name="pipeline">The pipeline; the worker must be its only submitter.</param>
    /// <param name="ownsPipeline">True to dispose the pipeline when the worker ends.</param>
    /// <param name="time">The clock for heartbeats and back-off.</param>
    /// <param name="logger">The log, or null.</param>
    /// <param name="onEvent">Called for each thing done with a delivery (progress lines, tests), or null.</param>
    /// <exception cref="ArgumentException">The options are not usable; the message lists every problem.</exception>
    public QueueWorker(
        QueueOptions options,
        IWorkQueue queue,
        IOutcomeStore store,
        BaseCommitWorkspaces workspaces,
        FactoryPipeline pipeline,
        bool ownsPipeline = false,
        TimeProvider? time = null,
        ILogger<QueueWorker>? logger = null,
        Action<QueueWorkerEvent>? onEvent = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join("\n", problems), nameof(options));
        }

        _options = options.Clone();
        _queue = queue ?? throw new ArgumentNullException(nameof(queue));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _workspaces = workspaces ?? throw new ArgumentNullException(nameof(workspaces));
        _pipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
        _ownsPipeline = ownsPipeline;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _onEvent = onEvent;
        Name = _options.EffectiveName;
    }

    /// <summary>The name the worker signs its outcomes with.</summary>
    public string Name { get; }

    /// <summary>Requests running here now.</summary>
    public int InFlight => _running.Count;

    /// <summary>
    /// Connects to the queue and checks the outcome store, once. <see cref="ExecuteAsync"/> calls it (retrying while
    /// they are down); call it first to fail fast instead, as the command line does.
    /// </summary>
    /// <exception cref="QueueUnavailableException">The broker cannot be reached.</exception>
    /// <exception cref="OutcomeStoreUnavailableException">The remote cannot be reached.</exception>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await _prepared.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_isPrepared)
            {
                await _queue.ConnectAsync(cancellationToken).ConfigureAwait(false);
                await _store.CheckAsync(cancellationToken).ConfigureAwait(false);
                _isPrepared = true;
            }
        }
        finally
        {
            _prepared.Release();
        }
    }

    /// <summary>
    /// Stops pulling at once; lets the requests in flight run until <paramref name="cancellationToken"/> (the host's
    /// shutdown timeout) fires, then cancels and releases them; returns when every delivery is acked or released.
    /// </summary>
    public override Task StopAsync(CancellationToken cancellationToken) =>
        Hosting.Worker.GracefulStop.StopAsync(base.StopAsync, _abort, () => ExecuteTask, cancellationToken);

    /// <inheritdoc />
    public override void Dispose()
    {
        _abort.Dispose();
        _prepared.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var inFlight = new ConcurrentDictionary<Task, byte>();
        using var slots = new SemaphoreSlim(_options.Slots, _options.Slots);
        try
        {
            await RetryAsync(() => PrepareAsync(stoppingToken), "connecting", stoppingToken).ConfigureAwait(false);
            while (true)
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                var free = 1;
                while (slots.Wait(0, CancellationToken.None))
                {
                    free++;
                }

                IReadOnlyList<IQueueDelivery> deliveries = [];
                try
                {
                    deliveries = await _queue.ReceiveAsync(free, _options.PollWait, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The pull loop must outlive a broker outage (or a client error): log it, pause, pull again.
                    LogInfrastructure($"Pulling from {_queue.Address} failed: {exception.Message}");
                    await Task.Delay(_options.MaxBackoff / 4, _time, stoppingToken).ConfigureAwait(false);
                }
                finally
                {
                    if (free > deliveries.Count)
                    {
                        slots.Release(free - deliveries.Count);
                    }
                }

                foreach (var delivery in deliveries)
                {
                    var task = Task.Run(() => HandleAsync(delivery), CancellationToken.None);
                    inFlight[task] = 0;
                    _ = task.ContinueWith(
                        done =>
                        {
                            inFlight.TryRemove(done, out _);
                            slots.Release();
                        },
                        CancellationToken.None,
                        TaskContinuationOptions.ExecuteSynchronously,
                        TaskScheduler.Default);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: no more pulls. The requests in flight finish (or are released) below.
        }
        finally
        {
            await Task.WhenAll(inFlight.Keys).ConfigureAwait(false);
            if (_ownsPipeline)
            {
                await _pipeline.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> until it succeeds, pausing 1 s, 2 s, 4 s ... (at most MaxBackoff) after each infrastructure error.</summary>
    private async Task RetryAsync(Func<Task> action, string what, CancellationToken cancellationToken)
    {
        var pause = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await action().ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (exception is OutcomeStoreUnavailableException or QueueUnavailableException && !cancellationToken.IsCancellationRequested)
            {
                LogRetry(what, pause.TotalSeconds, exception.Message);
                await Task.Delay(pause, _time, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, _options.MaxBackoff.Ticks));
            }
        }
    }

    private void Report(QueueWorkerEventKind kind, string requestId, long delivery, string? detail = null)
    {
        LogEvent(kind, requestId, delivery, detail);
        _onEvent?.Invoke(new QueueWorkerEvent(kind, requestId, delivery, detail));
    }
}
