namespace Factory.Dataflow.Chat;

/// <summary>Per-model prices per 1000 tokens; a model not listed is local and free, as every Ollama model is.</summary>
public sealed class PriceTable
{
    private readonly Dictionary<string, ModelPrice> _prices;

    /// <summary>Creates a table from <paramref name="prices"/>; a later entry for the same model wins.</summary>
    public PriceTable(IEnumerable<ModelPrice> prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        _prices = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        foreach (var price in prices)
        {
            if (string.IsNullOrWhiteSpace(price.Model))
            {
                throw new ArgumentException("A price entry has no Model.", nameof(prices));
            }

            if (price.InputPer1K < 0 || price.OutputPer1K < 0)
            {
                throw new ArgumentException($"The price of '{price.Model}' is negative.", nameof(prices));
            }

            _prices[price.Model] = price;
        }
    }

    /// <summary>A table where every model is free (local models).</summary>
    public static PriceTable Free { get; } = new([]);

    /// <summary>The cost of a call that used <paramref name="tokensIn"/> prompt and <paramref name="tokensOut"/> completion tokens.</summary>
    public decimal CostOf(string model, long tokensIn, long tokensOut)
    {
        ArgumentNullException.ThrowIfNull(model);
        return _prices.TryGetValue(model, out var price)
            ? (tokensIn * price.InputPer1K / 1000m) + (tokensOut * price.OutputPer1K / 1000m)
            : 0m;
    }
}
