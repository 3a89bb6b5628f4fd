using System.Diagnostics;
using Factory.Dataflow.Budget;
using Factory.Dataflow.Tracing;
using Factory.Dataflow.Workspace;

namespace Factory.Dataflow;

/// <summary>
/// The message that travels through the graph: one request and everything learnt about it so far. It is in one
/// block at a time, so its fields need no locks.
/// </summary>
internal sealed class RequestState
{
    // Counted once: Enum.GetValues allocates a fresh array on every call, and this runs once per request.
    private static readonly int StageCount = Enum.GetValues<StageName>().Length;

    private readonly int[] _attempts = new int[StageCount];
    private readonly List<StageMetrics> _metrics = [];

    public RequestState(
        FeatureRequest request,
        CancellationTokenSource? ownedTokenSource,
        TaskCompletionSource<FeatureOutcome>? caller,
        IRequestTrace trace,
        RequestBudget budget,
        long startTimestamp,
        Activity? activity,
        CancellationToken token)
    {
        Request = request;
        Token = token;
        OwnedTokenSource = ownedTokenSource;
        Caller = caller;
        Trace = trace;
        Budget = budget;
        StartTimestamp = startTimestamp;
        Activity = activity;
    }

    public FeatureRequest Request { get; }

    /// <summary>The request's own token, linked with the pipeline's shutdown token.</summary>
    public CancellationToken Token { get; }

    public CancellationTokenSource? OwnedTokenSource { get; }

    /// <summary>Set for <c>RunAsync</c>: the outcome goes to this caller instead of the outcome stream.</summary>
    public TaskCompletionSource<FeatureOutcome>? Caller { get; }

    public IRequestTrace Trace { get; }

    public RequestBudget Budget { get; }

    public long StartTimestamp { get; }

    public Activity? Activity { get; }

    public Hop Next { get; set; }

    public Spec? Spec { get; set; }

    public ScoutBrief? Brief { get; set; }

    public IFeatureWorkspace? Workspace { get; set; }

    public string? Feedback { get; set; }

    public StageName? FeedbackFrom { get; set; }

    public int BuildAttempts { get; set; }

    /// <summary>True while the request holds one of the build loop's admission slots.</summary>
    public bool HoldsLoopSlot { get; set; }

    public IReadOnlyList<StageMetrics> Metrics => _metrics;

    // The ending, set once by the step that decides it; the settle block turns it into the outcome.
    public OutcomeStatus? Status { get; private set; }

    public StageName? FailedStage { get; private set; }

    public string? Reason { get; private set; }

    public IReadOnlyList<string> ReviewReasons { get; set; } = [];

    public int NextAttempt(StageName stage) => ++_attempts[(int)stage];

    public void AddMetrics(StageMetrics metrics) => _metrics.Add(metrics);

    /// <summary>Decides the ending and sends the request to the settle block.</summary>
    public void End(OutcomeStatus status, StageName? failedStage, string? reason)
    {
        // The first decision stands: a late failure while settling must not rewrite a cancellation, say.
        if (Status is null)
        {
            Status = status;
            FailedStage = failedStage;
            Reason = reason;
        }

        Next = Hop.Settle;
    }

    /// <summary>Overrides the ending; only for settling, when an approved change could not be committed.</summary>
    public void Overrule(OutcomeStatus status, StageName failedStage, string reason)
    {
        Status = status;
        FailedStage = failedStage;
        Reason = reason;
    }
}
