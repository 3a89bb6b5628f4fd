using Factory.Dataflow.Budget;

namespace Factory.Dataflow;

/// <summary>
/// Filled in by a stage during one attempt: which model answered, what it cost, how often it retried, and any
/// extra facts for the trace (a plan title, review reasons). The graph adds the timing and the eval.
/// </summary>
public sealed class StageUsage
{
    private readonly Dictionary<string, object?> _extras = new(StringComparer.Ordinal);
    private readonly RequestBudget _budget;
    private long _tokensIn;
    private long _tokensOut;
    private int _retries;
    private decimal _cost;

    internal StageUsage(RequestBudget budget) => _budget = budget;

    /// <summary>The model asked, or null for a stage without one.</summary>
    public string? Model { get; set; }

    /// <summary>The endpoint and model that answered.</summary>
    public string? ServedBy { get; set; }

    /// <summary>Prompt tokens so far in this attempt.</summary>
    public long TokensIn => Interlocked.Read(ref _tokensIn);

    /// <summary>Completion tokens so far in this attempt.</summary>
    public long TokensOut => Interlocked.Read(ref _tokensOut);

    /// <summary>Transport and repair retries so far in this attempt.</summary>
    public int Retries => Volatile.Read(ref _retries);

    /// <summary>Cost so far in this attempt, from the price table.</summary>
    public decimal Cost
    {
        get
        {
            lock (_extras)
            {
                return _cost;
            }
        }
    }

    /// <summary>Extra trace fields, in the order they were added.</summary>
    public IReadOnlyDictionary<string, object?> Extras
    {
        get
        {
            lock (_extras)
            {
                return new Dictionary<string, object?>(_extras, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Adds the usage of one model reply, and charges it to the request's budget.</summary>
    public void AddTokens(long tokensIn, long tokensOut, decimal cost = 0m)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokensIn);
        ArgumentOutOfRangeException.ThrowIfNegative(tokensOut);
        Interlocked.Add(ref _tokensIn, tokensIn);
        Interlocked.Add(ref _tokensOut, tokensOut);
        lock (_extras)
        {
            _cost += cost;
        }

        _budget.Record(tokensIn + tokensOut, cost);
    }

    /// <summary>Counts one retry (transport fault, repair of a malformed reply).</summary>
    public void AddRetry() => Interlocked.Increment(ref _retries);

    /// <summary>Sets an extra trace field; the name is written as given, so use snake_case.</summary>
    public void SetExtra(string name, object? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_extras)
        {
            _extras[name] = value;
        }
    }
}
