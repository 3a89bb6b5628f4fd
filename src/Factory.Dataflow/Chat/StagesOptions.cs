namespace Factory.Dataflow.Chat;

/// <summary>
/// The model settings of the five model stages, bound from <c>Factory:Stages</c>. The defaults follow the pipeline's
/// intent: PLAN warm, SCOUT low, BUILD and TEST cold, REVIEW cold on a different model than BUILD.
/// </summary>
public sealed class StagesOptions
{
    /// <summary>PLAN: request to spec.</summary>
    /// <value>Defaults to <c>qwen2.5:3b</c> at temperature 0.7, 1024 output tokens, 2-minute timeout.</value>
    public StageModelOptions Plan { get; set; } = new()
    {
        Model = "qwen2.5:3b", Temperature = 0.7f, MaxOutputTokens = 1024, Timeout = TimeSpan.FromMinutes(2),
    };

    /// <summary>SCOUT: spec to brief, with read-only tools.</summary>
    /// <value>Defaults to <c>qwen2.5:3b</c> at temperature 0.2, 1024 output tokens, 2-minute timeout.</value>
    public StageModelOptions Scout { get; set; } = new()
    {
        Model = "qwen2.5:3b", Temperature = 0.2f, MaxOutputTokens = 1024, Timeout = TimeSpan.FromMinutes(2),
    };

    /// <summary>BUILD: spec, brief and feedback to whole-file edits.</summary>
    /// <value>Defaults to <c>qwen2.5-coder:7b</c> at temperature 0, 4096 output tokens, 5-minute timeout.</value>
    public StageModelOptions Build { get; set; } = new()
    {
        Model = "qwen2.5-coder:7b", Temperature = 0f, MaxOutputTokens = 4096, Timeout = TimeSpan.FromMinutes(5),
    };

    /// <summary>TEST's writer: spec and changed files to new test files.</summary>
    /// <value>Defaults to <c>qwen2.5-coder:7b</c> at temperature 0, 2048 output tokens, 3-minute timeout.</value>
    public StageModelOptions Test { get; set; } = new()
    {
        Model = "qwen2.5-coder:7b", Temperature = 0f, MaxOutputTokens = 2048, Timeout = TimeSpan.FromMinutes(3),
    };

    /// <summary>REVIEW: spec and diff to a verdict; a different model than BUILD, for a second opinion.</summary>
    /// <value>Defaults to <c>qwen2.5:3b</c> at temperature 0, 1024 output tokens, 2-minute timeout.</value>
    public StageModelOptions Review { get; set; } = new()
    {
        Model = "qwen2.5:3b", Temperature = 0f, MaxOutputTokens = 1024, Timeout = TimeSpan.FromMinutes(2),
    };

    /// <summary>The settings of <paramref name="stage"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The stage has no model (VALIDATE, WORKSPACE).</exception>
    public StageModelOptions For(StageName stage) => stage switch
    {
        StageName.Plan => Plan,
        StageName.Scout => Scout,
        StageName.Build => Build,
        StageName.Test => Test,
        StageName.Review => Review,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, $"{stage.ToDisplayName()} has no model."),
    };

    /// <summary>The stages that call a model, in pipeline order.</summary>
    public static IReadOnlyList<StageName> ModelStages { get; } =
        [StageName.Plan, StageName.Scout, StageName.Build, StageName.Test, StageName.Review];
}
