namespace Factory.Dataflow.Chat;

/// <summary>
/// Everything the model stages need to reach their models, bound from the <c>Factory</c> configuration section:
/// <c>Factory:Ollama</c>, <c>Factory:Stages:&lt;Stage&gt;</c> and <c>Factory:Prices</c>.
/// </summary>
public sealed class ModelOptions
{
    /// <summary>The Ollama server, and the cap on a reply's size.</summary>
    /// <value>Defaults to <c>http://localhost:11434</c> and 4 MiB.</value>
    public OllamaOptions Ollama { get; set; } = new();

    /// <summary>Per-stage model, temperature, timeout, retries and output cap.</summary>
    /// <value>Defaults as listed on <see cref="StagesOptions"/>.</value>
    public StagesOptions Stages { get; set; } = new();

    /// <summary>Prices of paid models; models not listed cost 0.</summary>
    /// <value>Defaults to empty: every model is local and free.</value>
    public IList<ModelPrice> Prices { get; set; } = [];

    /// <summary>
    /// Checks every setting once, throwing <see cref="ArgumentException"/> with the setting's name when one is unusable,
    /// and returns warnings about settings that work but defeat a purpose (REVIEW on BUILD's model).
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        Ollama.Validate();
        foreach (var stage in StagesOptions.ModelStages)
        {
            Stages.For(stage).Validate($"Factory:Stages:{stage}");
        }

        _ = new PriceTable(Prices);
        var warnings = new List<string>();
        if (string.Equals(Stages.Review.Model, Stages.Build.Model, StringComparison.OrdinalIgnoreCase))
        {
            warnings.Add(
                $"REVIEW uses the same model as BUILD ({Stages.Build.Model}); an independent review needs a second opinion, " +
                "so set Factory:Stages:Review:Model to a different model.");
        }

        return warnings;
    }

    /// <summary>The models the configured stages ask for, each once, for the preflight check.</summary>
    public IReadOnlyList<string> ConfiguredModels() =>
        [.. StagesOptions.ModelStages.Select(s => Stages.For(s).Model).Distinct(StringComparer.OrdinalIgnoreCase)];
}
