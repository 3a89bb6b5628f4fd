namespace Factory.Dataflow;

/// <summary>Options of the whole graph. Validated once, by <see cref="FactoryPipelineBuilder.Build"/>.</summary>
public sealed class PipelineOptions
{
    /// <summary>How many BUILD calls one request may make before it ends "build budget exhausted".</summary>
    /// <value>Defaults to 3.</value>
    public int BuildBudget { get; set; } = 3;

    /// <summary>
    /// How many requests may be inside the BUILD -> VALIDATE -> TEST loop at once. Requests beyond it wait after SCOUT.
    /// The feedback link back to BUILD holds exactly this many, so the bounded cycle can never fill up and deadlock.
    /// </summary>
    /// <value>Defaults to null: twice the sum of BUILD's, VALIDATE's and TEST's parallelism.</value>
    public int? MaxRequestsInBuildLoop { get; set; }

    /// <summary>PLAN's block.</summary>
    /// <value>Defaults to parallelism 2, capacity 4, timeout 2 minutes.</value>
    public StageOptions Plan { get; set; } = new() { Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>SCOUT's block (both attempts and the workspace creation run in it).</summary>
    /// <value>Defaults to parallelism 2, capacity 4, timeout 3 minutes per attempt.</value>
    public StageOptions Scout { get; set; } = new() { Timeout = TimeSpan.FromMinutes(3) };

    /// <summary>BUILD's block.</summary>
    /// <value>Defaults to parallelism 2, capacity 4, timeout 5 minutes.</value>
    public StageOptions Build { get; set; } = new();

    /// <summary>VALIDATE's block.</summary>
    /// <value>Defaults to parallelism 2, capacity 4, timeout 5 minutes.</value>
    public StageOptions Validate { get; set; } = new();

    /// <summary>TEST's block.</summary>
    /// <value>Defaults to parallelism 2, capacity 4, timeout 10 minutes.</value>
    public StageOptions Test { get; set; } = new() { Timeout = TimeSpan.FromMinutes(10) };

    /// <summary>REVIEW's block.</summary>
    /// <value>Defaults to parallelism 2, capacity 4, timeout 3 minutes.</value>
    public StageOptions Review { get; set; } = new() { Timeout = TimeSpan.FromMinutes(3) };

    /// <summary>The block that settles each request (commit or discard its workspace, write the final trace event).</summary>
    /// <value>Defaults to parallelism 2, capacity 4, timeout 2 minutes for settling the workspace.</value>
    public StageOptions Settle { get; set; } = new() { Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>
    /// How many outcomes of <c>SubmitAsync</c> requests wait unread in <c>ReadOutcomesAsync</c> before the graph
    /// slows down to the reader's pace.
    /// </summary>
    /// <value>Defaults to 1024; null means unbounded.</value>
    public int? OutcomeCapacity { get; set; } = 1024;

    /// <summary>Where each request gets its run directory with trace.jsonl; null writes no files.</summary>
    /// <value>Defaults to null.</value>
    public string? RunsDirectory { get; set; }

    /// <summary>The most tokens (prompt plus completion) one request may spend; null means no limit.</summary>
    /// <value>Defaults to null.</value>
    public long? MaxTokensPerRequest { get; set; }

    /// <summary>The most one request may cost, by the price table; null means no limit.</summary>
    /// <value>Defaults to null.</value>
    public decimal? MaxCostPerRequest { get; set; }

    /// <summary>The options of one stage's block.</summary>
    public StageOptions For(StageName stage) => stage switch
    {
        StageName.Plan => Plan,
        StageName.Scout => Scout,
        StageName.Build => Build,
        StageName.Validate => Validate,
        StageName.Test => Test,
        StageName.Review => Review,
        StageName.Workspace => Settle,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown stage."),
    };

    /// <summary>The admission limit of the build loop, with the default applied.</summary>
    public int EffectiveMaxRequestsInBuildLoop =>
        MaxRequestsInBuildLoop ?? 2 * (Build.MaxDegreeOfParallelism + Validate.MaxDegreeOfParallelism + Test.MaxDegreeOfParallelism);

    /// <summary>A deep copy.</summary>
    public PipelineOptions Clone() => new()
    {
        BuildBudget = BuildBudget,
        MaxRequestsInBuildLoop = MaxRequestsInBuildLoop,
        Plan = Plan.Clone(),
        Scout = Scout.Clone(),
        Build = Build.Clone(),
        Validate = Validate.Clone(),
        Test = Test.Clone(),
        Review = Review.Clone(),
        Settle = Settle.Clone(),
        OutcomeCapacity = OutcomeCapacity,
        RunsDirectory = RunsDirectory,
        MaxTokensPerRequest = MaxTokensPerRequest,
        MaxCostPerRequest = MaxCostPerRequest,
    };
}
