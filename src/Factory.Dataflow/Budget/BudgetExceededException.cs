namespace Factory.Dataflow.Budget;

/// <summary>Thrown before a model call that could cross the request's budget; the request ends "budget exceeded".</summary>
public sealed class BudgetExceededException : Exception
{
    /// <summary>Creates the exception with the figures spent so far.</summary>
    public BudgetExceededException(StageName stage, string reason, long tokensSpent, decimal costSpent)
        : base($"Budget exceeded at {stage.ToDisplayName()}: {reason}.")
    {
        Stage = stage;
        TokensSpent = tokensSpent;
        CostSpent = costSpent;
    }

    /// <summary>The stage whose call was refused.</summary>
    public StageName Stage { get; }

    /// <summary>Tokens spent before the refused call.</summary>
    public long TokensSpent { get; }

    /// <summary>Cost spent before the refused call.</summary>
    public decimal CostSpent { get; }
}
