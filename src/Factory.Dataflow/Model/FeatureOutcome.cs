namespace Factory.Dataflow;

/// <summary>The single outcome of one submitted request.</summary>
public sealed record FeatureOutcome
{
    /// <summary>The request this outcome belongs to.</summary>
    public required FeatureRequest Request { get; init; }

    /// <summary>How it ended.</summary>
    public required OutcomeStatus Status { get; init; }

    /// <summary>How many times BUILD was called for this request.</summary>
    public required int BuildAttempts { get; init; }

    /// <summary>Seconds from acceptance to outcome.</summary>
    public required double Seconds { get; init; }

    /// <summary>The stage that failed, for <see cref="OutcomeStatus.FailedInStage"/> and the other failures.</summary>
    public StageName? FailedStage { get; init; }

    /// <summary>Why it ended this way: the failure message, the last feedback, or the reviewer's reasons joined.</summary>
    public string? Reason { get; init; }

    /// <summary>The plan, when PLAN succeeded.</summary>
    public Spec? Spec { get; init; }

    /// <summary>REVIEW's reasons, when REVIEW ran.</summary>
    public IReadOnlyList<string> ReviewReasons { get; init; } = [];

    /// <summary>The branch that holds the approved change, or null when there is none.</summary>
    public string? Branch { get; init; }

    /// <summary>The diff of the change (kept as failed.diff for a failed run), or null when nothing was written.</summary>
    public string? Diff { get; init; }

    /// <summary>The request's run directory (trace.jsonl, failed.diff), or null when tracing is off.</summary>
    public string? RunDirectory { get; init; }

    /// <summary>Every stage attempt, in order.</summary>
    public IReadOnlyList<StageMetrics> Stages { get; init; } = [];

    /// <summary>Tokens spent by all model calls of the request (prompt plus completion).</summary>
    public long TokensSpent { get; init; }

    /// <summary>Cost of all model calls of the request, from the price table.</summary>
    public decimal CostSpent { get; init; }

    /// <summary>True for <see cref="OutcomeStatus.Approved"/>.</summary>
    public bool IsApproved => Status == OutcomeStatus.Approved;

    /// <summary>The outcome's trace name ("approved", "rejected", "build_budget_exhausted", ...).</summary>
    public string StatusName => Status switch
    {
        OutcomeStatus.Approved => "approved",
        OutcomeStatus.Rejected => "rejected",
        OutcomeStatus.BuildBudgetExhausted => "build_budget_exhausted",
        OutcomeStatus.FailedInStage => "failed_in_stage",
        OutcomeStatus.BudgetExceeded => "budget_exceeded",
        OutcomeStatus.Cancelled => "cancelled",
        OutcomeStatus.EnvironmentError => "environment_error",
        _ => Status.ToString(),
    };
}
