namespace Factory.Dataflow.Chat;

/// <summary>
/// One model stage's settings, bound from <c>Factory:Stages:&lt;Stage&gt;</c> (e.g. <c>Factory:Stages:Build:Model</c>, or
/// the environment variable <c>Factory__Stages__Build__Model</c>). Each stage starts from its own defaults, listed on
/// <see cref="StagesOptions"/>; the values below are those of a bare instance.
/// </summary>
public sealed class StageModelOptions
{
    /// <summary>The Ollama model to ask.</summary>
    /// <value>Defaults to <c>qwen2.5-coder:7b</c>.</value>
    public string Model { get; set; } = "qwen2.5-coder:7b";

    /// <summary>Sampling temperature, 0 to 2; 0 makes the model as deterministic as the server allows.</summary>
    /// <value>Defaults to 0.</value>
    public float Temperature { get; set; }

    /// <summary>How long one HTTP attempt may take before it counts as a transport fault.</summary>
    /// <value>Defaults to 3 minutes: a 7B model on a CPU can take that long for a whole file.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How many times a transport fault (refused connection, 5xx, timeout) is retried, with backoff.</summary>
    /// <value>Defaults to 2 (so at most 3 attempts).</value>
    public int TransportRetries { get; set; } = 2;

    /// <summary>The first backoff delay; each further retry doubles it, up to 30 seconds.</summary>
    /// <value>Defaults to 1 second.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most tokens one reply may have (Ollama's <c>num_predict</c>); also the output half of a call's worst case.</summary>
    /// <value>Defaults to 2048.</value>
    public int MaxOutputTokens { get; set; } = 2048;

    /// <summary>
    /// The context window to ask Ollama for (<c>num_ctx</c>), or null for the server's default. Ollama silently drops the
    /// start of a prompt longer than its window, which would lose the system prompt, so the default is set explicitly.
    /// </summary>
    /// <value>Defaults to 8192.</value>
    public int? ContextLength { get; set; } = 8192;

    /// <summary>A copy, so a stage keeps the values it was built with even if the caller's instance changes later.</summary>
    public StageModelOptions Clone() => (StageModelOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting when a value is unusable.</summary>
    /// <param name="name">The setting's path for the message, e.g. <c>Factory:Stages:Build</c>.</param>
    public void Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.IsNullOrWhiteSpace(Model))
        {
            throw new ArgumentException($"{name}:Model is empty; name an Ollama model such as qwen2.5-coder:7b.");
        }

        if (Temperature is < 0 or > 2 || float.IsNaN(Temperature))
        {
            throw new ArgumentException($"{name}:Temperature is {Temperature}; use a value from 0 to 2.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name}:Timeout is {Timeout}; it must be positive.");
        }

        if (TransportRetries < 0)
        {
            throw new ArgumentException($"{name}:TransportRetries is {TransportRetries}; it cannot be negative.");
        }

        if (RetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"{name}:RetryDelay is {RetryDelay}; it cannot be negative.");
        }

        if (MaxOutputTokens <= 0)
        {
            throw new ArgumentException($"{name}:MaxOutputTokens is {MaxOutputTokens}; it must be positive.");
        }

        if (ContextLength is <= 0)
        {
            throw new ArgumentException($"{name}:ContextLength is {ContextLength}; it must be positive, or unset for the server's default.");
        }
    }
}
