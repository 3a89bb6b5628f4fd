namespace Factory.Dataflow;

/// <summary>How a request ended. Every submitted request ends with exactly one.</summary>
public enum OutcomeStatus
{
    /// <summary>All gates passed and REVIEW approved; the branch holds the change.</summary>
    Approved,

    /// <summary>REVIEW rejected the diff; final, there is no loop.</summary>
    Rejected,

    /// <summary>BUILD was called as often as the budget allows and the last attempt still failed.</summary>
    BuildBudgetExhausted,

    /// <summary>A stage failed in a way that does not go back to BUILD (an exception, a timeout, a failed eval).</summary>
    FailedInStage,

    /// <summary>The request's token or cost budget would have been crossed by the next model call.</summary>
    BudgetExceeded,

    /// <summary>The request or the pipeline was cancelled.</summary>
    Cancelled,

    /// <summary>
    /// The machine or the repository's gate configuration cannot judge any change (a gate cannot run on the base
    /// commit, a tool is missing): nobody's change, so it ends the request, before any model call when found while
    /// preparing. The reason names the setting to fix.
    /// </summary>
    EnvironmentError,
}
