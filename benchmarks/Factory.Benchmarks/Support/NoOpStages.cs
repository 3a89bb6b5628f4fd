using Factory.Dataflow;

namespace Factory.Benchmarks.Support;

/// <summary>
/// Six stages that pass at once with results allocated up front, so whatever a benchmark allocates per request is the
/// graph's (or the baseline loop's), never the stages'.
/// </summary>
internal static class NoOpStages
{
    public static readonly Spec Spec = new("Add a /health endpoint", ["GET /health returns ok"], [], []);

    public static readonly ScoutBrief Brief = new(["app/main.py"], [], []);

    // A ValueTask over a finished result is a struct: returning one allocates nothing.
    private static readonly StageResult PlanResult = StageResult.Success(Spec);
    private static readonly StageResult ScoutResult = StageResult.Success(Brief);
    private static readonly StageResult PassResult = StageResult.Success();
    private static readonly StageResult ApproveResult = StageResult.Success(new ReviewVerdict(true, ["meets every criterion"]));

    /// <summary>The stages in pipeline order.</summary>
    public static readonly (StageName Name, IFactoryStage Stage)[] All =
    [
        (StageName.Plan, new DelegateStage((_, _) => ValueTask.FromResult(PlanResult))),
        (StageName.Scout, new DelegateStage((_, _) => ValueTask.FromResult(ScoutResult))),
        (StageName.Build, new DelegateStage((_, _) => ValueTask.FromResult(PassResult))),
        (StageName.Validate, new DelegateStage((_, _) => ValueTask.FromResult(PassResult))),
        (StageName.Test, new DelegateStage((_, _) => ValueTask.FromResult(PassResult))),
        (StageName.Review, new DelegateStage((_, _) => ValueTask.FromResult(ApproveResult))),
    ];

    public static FactoryPipelineBuilder Builder()
    {
        var builder = new FactoryPipelineBuilder();
        foreach (var (name, stage) in All)
        {
            builder.Use(name, stage);
        }

        return builder;
    }

    /// <summary>Distinct ids, made once: the graph refuses two requests with one id in flight at a time.</summary>
    public static FeatureRequest[] Requests(int count) =>
        Enumerable.Range(0, count).Select(i => new FeatureRequest($"req-{i:D6}", $"add endpoint number {i}")).ToArray();
}
