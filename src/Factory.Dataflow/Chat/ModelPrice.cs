namespace Factory.Dataflow.Chat;

/// <summary>
/// One model's price, bound from a list under <c>Factory:Prices</c> (a list because model names contain ':', which
/// configuration keys cannot).
/// </summary>
public sealed class ModelPrice
{
    /// <summary>The model name exactly as configured for a stage.</summary>
    /// <value>Defaults to empty.</value>
    public string Model { get; set; } = "";

    /// <summary>Price of 1000 prompt tokens.</summary>
    /// <value>Defaults to 0.</value>
    public decimal InputPer1K { get; set; }

    /// <summary>Price of 1000 completion tokens.</summary>
    /// <value>Defaults to 0.</value>
    public decimal OutputPer1K { get; set; }
}
