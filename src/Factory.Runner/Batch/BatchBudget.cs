namespace Factory.Runner.Batch;

/// <summary>
/// The batch-wide budget: once the tokens or the cost spent by the whole batch (earlier runs of it included) reach the
/// limit, no new request starts. Requests already in flight finish within their own per-request budget.
/// </summary>
/// <param name="MaxTokens">The most tokens the batch may spend, or null for no limit.</param>
/// <param name="MaxCost">The most the batch may cost, or null for no limit.</param>
internal sealed record BatchBudget(long? MaxTokens, decimal? MaxCost)
{
    public const string NotStartedReason = "not started: batch budget spent";

    public bool IsSpent(long tokens, decimal cost) => tokens >= MaxTokens || cost >= MaxCost;
}
