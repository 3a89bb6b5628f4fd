using System.Threading.Tasks.Dataflow;

namespace Factory.Dataflow;

/// <summary>
/// The blocks and links of the graph. Every block is bounded; the only cycle (BUILD -> VALIDATE -> TEST -> back to
/// BUILD) is entered through an admission gate whose limit equals the capacity of the feedback link, so a failing
/// gate can always hand its request back and the cycle never deadlocks. Completion is not propagated along links
/// (it cannot flow round a cycle); the pipeline completes every block itself once no request is in flight.
/// </summary>
internal sealed class PipelineGraph
{
    private readonly TransformBlock<RequestState, RequestState> _plan;
    private readonly TransformBlock<RequestState, RequestState> _scout;
    private readonly TransformBlock<RequestState, RequestState> _admit;
    private readonly TransformBlock<RequestState, RequestState> _build;
    private readonly TransformBlock<RequestState, RequestState> _validate;
    private readonly TransformBlock<RequestState, RequestState> _test;
    private readonly BufferBlock<RequestState> _feedback;
    private readonly TransformBlock<RequestState, RequestState> _review;
    private readonly ActionBlock<RequestState> _settle;
    private readonly IDataflowBlock[] _blocks;

    public PipelineGraph(PipelineSteps steps, PipelineOptions options, int loopLimit, Func<RequestState, Task> settle)
    {
        _plan = Stage(steps.PlanAsync, options.Plan, StageName.Plan);
        _scout = Stage(steps.ScoutAsync, options.Scout, StageName.Scout);

        // One at a time, in arrival order: requests wait here, not inside the loop, when the loop is full.
        _admit = new TransformBlock<RequestState, RequestState>(
            Guard(steps.AdmitAsync, StageName.Build),
            new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 1, BoundedCapacity = 1, EnsureOrdered = false });
        _build = Stage(steps.BuildAsync, options.Build, StageName.Build);
        _validate = Stage(steps.ValidateAsync, options.Validate, StageName.Validate);
        _test = Stage(steps.TestAsync, options.Test, StageName.Test);
        _feedback = new BufferBlock<RequestState>(new DataflowBlockOptions { BoundedCapacity = loopLimit, EnsureOrdered = false });
        _review = Stage(steps.ReviewAsync, options.Review, StageName.Review);
        _settle = new ActionBlock<RequestState>(
            settle,
            new ExecutionDataflowBlockOptions
            {
                MaxDegreeOfParallelism = options.Settle.MaxDegreeOfParallelism,
                BoundedCapacity = options.Settle.BoundedCapacity,
                EnsureOrdered = false,
            });

        Link(_plan, (_scout, Hop.Scout));
        Link(_scout, (_admit, Hop.Admit));
        Link(_admit, (_build, Hop.Build));
        Link(_build, (_validate, Hop.Validate), (_feedback, Hop.Feedback));
        Link(_validate, (_test, Hop.Test), (_feedback, Hop.Feedback));
        Link(_test, (_review, Hop.Review), (_feedback, Hop.Feedback));
        _feedback.LinkTo(_build);
        Link(_review);

        _blocks = [_plan, _scout, _admit, _build, _validate, _test, _feedback, _review, _settle];
        Completion = Task.WhenAll(_blocks.Select(b => b.Completion));
    }

    /// <summary>Where requests enter: PLAN's block, bounded, so senders wait when it is full.</summary>
    public ITargetBlock<RequestState> Head => _plan;

    /// <summary>Completes when every block has completed (after <see cref="Complete"/>) or one has faulted.</summary>
    public Task Completion { get; }

    /// <summary>Completes every block. Only called when no request is anywhere in the graph.</summary>
    public void Complete()
    {
        foreach (var block in _blocks)
        {
            block.Complete();
        }
    }

    /// <summary>Requests waiting in front of each stage (the queue depth), for telemetry and progress.</summary>
    public IEnumerable<KeyValuePair<string, int>> QueueDepths()
    {
        yield return new("plan", _plan.InputCount);
        yield return new("scout", _scout.InputCount);
        yield return new("build", _build.InputCount + _admit.InputCount + _feedback.Count);
        yield return new("validate", _validate.InputCount);
        yield return new("test", _test.InputCount);
        yield return new("review", _review.InputCount);
        yield return new("settle", _settle.InputCount);
    }

    private static TransformBlock<RequestState, RequestState> Stage(Func<RequestState, Task<RequestState>> step, StageOptions options, StageName stage) =>
        new(
            Guard(step, stage),
            new ExecutionDataflowBlockOptions
            {
                MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
                BoundedCapacity = options.BoundedCapacity,

                // Requests are independent: ordering would hold finished ones behind slow ones.
                EnsureOrdered = false,
            });

    /// <summary>
    /// An exception escaping a block's delegate would fault the whole block and strand every request in it, so any
    /// that gets past the step (a bug, not a stage failure: those are caught per attempt) ends only its request.
    /// </summary>
    /// <remarks>
    /// A step that finished successfully hands its own task to the block: wrapping every step in a second async method
    /// cost one more task per request and block, and with fast stages most steps finish synchronously.
    /// </remarks>
    private static Func<RequestState, Task<RequestState>> Guard(Func<RequestState, Task<RequestState>> step, StageName stage) =>
        state =>
        {
            Task<RequestState> task;
            try
            {
                task = step(state);
            }
            catch (Exception exception)
            {
                return Task.FromResult(Fail(state, stage, exception));
            }

            return task.IsCompletedSuccessfully ? task : GuardSlowAsync(task, state, stage);
        };

    private static async Task<RequestState> GuardSlowAsync(Task<RequestState> task, RequestState state, StageName stage)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return Fail(state, stage, exception);
        }
    }

    private static RequestState Fail(RequestState state, StageName stage, Exception exception)
    {
        state.End(OutcomeStatus.FailedInStage, stage, $"Internal error in {stage.ToDisplayName()}: {exception.Message}");
        return state;
    }

    /// <summary>
    /// Links a source to its targets by hop, and to settle for <see cref="Hop.Settle"/> and any hop it has no link for:
    /// a message no predicate matches would stall the source for good. The settle link must not be unconditional: a
    /// source whose bounded target postpones offers the message to its next link, and a catch-all would take it.
    /// </summary>
    private void Link(ISourceBlock<RequestState> source, params (ITargetBlock<RequestState> Target, Hop Hop)[] targets)
    {
        var routed = new HashSet<Hop>();
        foreach (var (target, hop) in targets)
        {
            routed.Add(hop);
            source.LinkTo(target, state => state.Next == hop);
        }

        source.LinkTo(_settle, state => !routed.Contains(state.Next));
    }
}
