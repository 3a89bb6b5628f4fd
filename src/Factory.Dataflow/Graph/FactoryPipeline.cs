using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using System.Threading.Tasks.Dataflow;
using Factory.Dataflow.Budget;
using Factory.Dataflow.Diagnostics;
using Factory.Dataflow.Tracing;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow;

/// <summary>
/// The running six-stage graph. Submit requests with <see cref="SubmitAsync"/> (outcomes arrive on
/// <see cref="ReadOutcomesAsync"/>) or <see cref="RunAsync"/> (the outcome is returned to the caller); call
/// <see cref="Complete"/> after the last one and await <see cref="Completion"/>. Every accepted request ends with
/// exactly one outcome, whatever happens to it. Build one with <see cref="FactoryPipelineBuilder"/>.
/// </summary>
public sealed class FactoryPipeline : IAsyncDisposable
{
    private readonly PipelineOptions _options;
    private readonly ITraceSink _traceSink;
    private readonly TimeProvider _time;
    private readonly LoopAdmission _admission;
    private readonly PipelineGraph _graph;
    private readonly Channel<FeatureOutcome> _outcomes;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, RequestState> _inFlight = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _inFlightCount;
    private bool _completing;

    internal FactoryPipeline(
        PipelineOptions options,
        IReadOnlyDictionary<StageName, IFactoryStage> stages,
        IWorkspaceProvider? workspaces,
        IRequestPreparation? preparation,
        ITraceSink traceSink,
        TimeProvider time)
    {
        _options = options;
        _traceSink = traceSink;
        _time = time;
        _admission = new LoopAdmission(options.EffectiveMaxRequestsInBuildLoop);
        var runner = new StageAttemptRunner(stages, options, time);
        var steps = new PipelineSteps(runner, options, workspaces, preparation, _admission, time);
        var settler = new RequestSettler(options, _admission, time);
        _graph = new PipelineGraph(steps, options, _admission.Limit, state => SettleAndDeliverAsync(settler, state));
        _outcomes = options.OutcomeCapacity is { } capacity
            ? Channel.CreateBounded<FeatureOutcome>(new BoundedChannelOptions(capacity) { SingleReader = false, SingleWriter = false })
            : Channel.CreateUnbounded<FeatureOutcome>();

        FactoryDiagnostics.RegisterQueueDepth(this, _graph.QueueDepths);
        _ = _graph.Completion.ContinueWith(OnGraphCompleted, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when <see cref="Complete"/> was called and every accepted request has its outcome.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Requests accepted and not yet ended.</summary>
    public int InFlight => Volatile.Read(ref _inFlightCount);

    /// <summary>Requests inside the BUILD -> VALIDATE -> TEST loop right now.</summary>
    public int InBuildLoop => _admission.InLoop;

    /// <summary>The options the graph runs with (a copy; changing it has no effect).</summary>
    public PipelineOptions Options => _options.Clone();

    /// <summary>
    /// Submits a request; its outcome will appear on <see cref="ReadOutcomesAsync"/>. Waits while PLAN's block is full,
    /// so a producer of any number of requests uses bounded memory.
    /// </summary>
    /// <param name="request">The request; its id must not be in flight already.</param>
    /// <param name="cancellationToken">
    /// Cancels the wait for room and, once accepted, the request itself (it then ends <see cref="OutcomeStatus.Cancelled"/>).
    /// </param>
    /// <exception cref="OperationCanceledException">Cancelled before the request was accepted: it has no outcome.</exception>
    /// <exception cref="InvalidOperationException">After <see cref="Complete"/>, or when the id is already in flight.</exception>
    public Task SubmitAsync(FeatureRequest request, CancellationToken cancellationToken = default) =>
        AcceptAsync(request, caller: null, cancellationToken);

    /// <summary>Runs one request through the graph and returns its outcome (it does not appear on <see cref="ReadOutcomesAsync"/>).</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the request; once accepted, a cancelled request still returns its outcome.</param>
    public async Task<FeatureOutcome> RunAsync(FeatureRequest request, CancellationToken cancellationToken = default)
    {
        var caller = new TaskCompletionSource<FeatureOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        await AcceptAsync(request, caller, cancellationToken).ConfigureAwait(false);
        return await caller.Task.ConfigureAwait(false);
    }

    /// <summary>The outcomes of submitted requests as they end, until the pipeline has completed.</summary>
    public IAsyncEnumerable<FeatureOutcome> ReadOutcomesAsync(CancellationToken cancellationToken = default) =>
        _outcomes.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Says no more requests will come. <see cref="Completion"/> completes once every accepted one has ended.</summary>
    public void Complete()
    {
        bool finishNow;
        lock (_gate)
        {
            if (_completing)
            {
                return;
            }

            _completing = true;
            finishNow = _inFlightCount == 0;
        }

        if (finishNow)
        {
            _graph.Complete();
        }
    }

    /// <summary>Cancels every request in flight; each still ends with its (cancelled) outcome. New requests are still accepted.</summary>
    public void CancelAll()
    {
        foreach (var state in _inFlight.Values)
        {
            state.OwnedTokenSource?.Cancel();
        }

        // Requests submitted without a token of their own listen to the shutdown token alone.
        _shutdown.Cancel();
    }

    /// <summary>Stops taking requests, cancels those in flight, and waits until each has its outcome.</summary>
    public async ValueTask DisposeAsync()
    {
        Complete();
        if (!Completion.IsCompleted)
        {
            await _shutdown.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await Completion.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A faulted graph has already reported its fault through Completion and the outcome stream.
        }

        _shutdown.Dispose();
        _admission.Dispose();
    }

    private async Task AcceptAsync(FeatureRequest request, TaskCompletionSource<FeatureOutcome>? caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_completing)
            {
                throw new InvalidOperationException($"The pipeline no longer accepts requests (Complete was called); request '{request.Id}' was not submitted.");
            }

            _inFlightCount++;
        }

        RequestState? state = null;
        try
        {
            state = CreateState(request, caller, cancellationToken);
            if (!_inFlight.TryAdd(request.Id, state))
            {
                throw new InvalidOperationException($"A request with id '{request.Id}' is already in flight; ids name branches and run directories, so they must be unique.");
            }

            if (!await _graph.Head.SendAsync(state, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"The pipeline has stopped; request '{request.Id}' was not submitted.");
            }
        }
        catch
        {
            if (state is not null)
            {
                _inFlight.TryRemove(new KeyValuePair<string, RequestState>(request.Id, state));
                await DiscardUnacceptedAsync(state).ConfigureAwait(false);
            }

            ReleaseInFlight();
            throw;
        }
    }

    private RequestState CreateState(FeatureRequest request, TaskCompletionSource<FeatureOutcome>? caller, CancellationToken cancellationToken)
    {
        // A linked source only when the caller can cancel: at 100k requests/s the allocation matters.
        var owned = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token) : null;
        var token = owned?.Token ?? _shutdown.Token;
        var trace = _traceSink.Open(request);

        // The request's activity must not become the submitter's current activity: restore it straight away.
        var previous = Activity.Current;
        var activity = FactoryDiagnostics.ActivitySource.StartActivity(FactoryDiagnostics.RequestActivityName, ActivityKind.Internal);
        Activity.Current = previous;
        activity?.SetTag("factory.request_id", request.Id);

        var budget = new RequestBudget(_options.MaxTokensPerRequest, _options.MaxCostPerRequest);
        return new RequestState(request, owned, caller, trace, budget, _time.GetTimestamp(), activity, token);
    }

    private static async ValueTask DiscardUnacceptedAsync(RequestState state)
    {
        state.OwnedTokenSource?.Dispose();
        state.Activity?.Stop();
        await state.Trace.DisposeAsync().ConfigureAwait(false);
    }

    private async Task SettleAndDeliverAsync(RequestSettler settler, RequestState state)
    {
        try
        {
            var outcome = await settler.SettleAsync(state).ConfigureAwait(false);
            if (state.Caller is { } caller)
            {
                caller.TrySetResult(outcome);
            }
            else
            {
                await _outcomes.Writer.WriteAsync(outcome, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            // Settling never throws by design; if it does anyway, the request's caller must still hear of it.
            state.Caller?.TrySetException(exception);
        }
        finally
        {
            state.OwnedTokenSource?.Dispose();
            _inFlight.TryRemove(new KeyValuePair<string, RequestState>(state.Request.Id, state));
            ReleaseInFlight();
        }
    }

    private void ReleaseInFlight()
    {
        bool finishNow;
        lock (_gate)
        {
            _inFlightCount--;
            finishNow = _completing && _inFlightCount == 0;
        }

        if (finishNow)
        {
            _graph.Complete();
        }
    }

    private void OnGraphCompleted(Task graphCompletion)
    {
        FactoryDiagnostics.UnregisterQueueDepth(this);
        if (graphCompletion.Exception is { } fault)
        {
            var error = fault.InnerExceptions.Count == 1 ? fault.InnerException! : fault;
            foreach (var state in _inFlight.Values)
            {
                state.Caller?.TrySetException(error);
            }

            _outcomes.Writer.TryComplete(error);
            _completion.TrySetException(error);
            return;
        }

        _outcomes.Writer.TryComplete();
        _completion.TrySetResult();
    }
}
