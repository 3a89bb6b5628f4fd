namespace Factory.Dataflow.Budget;

/// <summary>
/// One request's spending limits and what it has spent. Model stages call <see cref="EnsureCanSpend"/> with the
/// call's worst case before every model call, and <see cref="Record"/> with the server's usage after it, so spending
/// can never pass the limit: a call that might cross it is not made.
/// </summary>
public sealed class RequestBudget
{
    private readonly Lock _gate = new();
    private long _tokensSpent;
    private decimal _costSpent;

    /// <summary>Creates a budget; null limits mean unlimited.</summary>
    public RequestBudget(long? maxTokens = null, decimal? maxCost = null)
    {
        if (maxTokens is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, "A token budget must be positive.");
        }

        if (maxCost is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCost), maxCost, "A cost budget cannot be negative.");
        }

        MaxTokens = maxTokens;
        MaxCost = maxCost;
    }

    /// <summary>The token limit (prompt plus completion), or null.</summary>
    public long? MaxTokens { get; }

    /// <summary>The cost limit, or null.</summary>
    public decimal? MaxCost { get; }

    /// <summary>Tokens spent so far.</summary>
    public long TokensSpent
    {
        get
        {
            lock (_gate)
            {
                return _tokensSpent;
            }
        }
    }

    /// <summary>Cost spent so far.</summary>
    public decimal CostSpent
    {
        get
        {
            lock (_gate)
            {
                return _costSpent;
            }
        }
    }

    /// <summary>
    /// Throws <see cref="BudgetExceededException"/> when a call that may spend up to <paramref name="worstCaseTokens"/>
    /// and <paramref name="worstCaseCost"/> could cross a limit.
    /// </summary>
    public void EnsureCanSpend(StageName stage, long worstCaseTokens, decimal worstCaseCost = 0m)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(worstCaseTokens);
        lock (_gate)
        {
            if (MaxTokens is { } maxTokens && _tokensSpent + worstCaseTokens > maxTokens)
            {
                throw new BudgetExceededException(
                    stage,
                    $"the next {stage.ToDisplayName()} call could use up to {worstCaseTokens} tokens, and {_tokensSpent} of the " +
                    $"request's {maxTokens} are spent",
                    _tokensSpent,
                    _costSpent);
            }

            if (MaxCost is { } maxCost && _costSpent + worstCaseCost > maxCost)
            {
                throw new BudgetExceededException(
                    stage,
                    $"the next {stage.ToDisplayName()} call could cost up to {worstCaseCost}, and {_costSpent} of the " +
                    $"request's {maxCost} is spent",
                    _tokensSpent,
                    _costSpent);
            }
        }
    }

    /// <summary>Records what a call actually spent, from the server's usage figures.</summary>
    public void Record(long tokens, decimal cost)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        lock (_gate)
        {
            _tokensSpent += tokens;
            _costSpent += cost;
        }
    }
}
