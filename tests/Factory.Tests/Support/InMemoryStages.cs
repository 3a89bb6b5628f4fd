using Factory.Dataflow;

namespace Factory.Tests.Support;

/// <summary>
/// A pipeline builder whose six stages pass by default (PLAN gives a spec, SCOUT a brief, REVIEW approves), so each
/// test scripts only the stage whose behaviour it is about.
/// </summary>
internal static class InMemoryStages
{
    public static readonly Spec HealthSpec = new(
        "Add a /health endpoint",
        ["GET /health returns {\"status\": \"ok\"}"],
        ["authentication"],
        ["no new dependencies"]);

    public static readonly ScoutBrief HealthBrief = new(["app/main.py"], ["routes return dict[str, str]"], []);

    public static FactoryPipelineBuilder PassingBuilder()
    {
        var builder = new FactoryPipelineBuilder();
        builder.Use(StageName.Plan, (_, _) => ValueTask.FromResult(StageResult.Success(HealthSpec)));
        builder.Use(StageName.Scout, (_, _) => ValueTask.FromResult(StageResult.Success(HealthBrief)));
        builder.Use(StageName.Build, (_, _) => ValueTask.FromResult(StageResult.Success()));
        builder.Use(StageName.Validate, (_, _) => ValueTask.FromResult(StageResult.Success()));
        builder.Use(StageName.Test, (_, _) => ValueTask.FromResult(StageResult.Success()));
        builder.Use(StageName.Review, (_, _) => ValueTask.FromResult(Approve()));
        return builder;
    }

    /// <summary>A passing pipeline whose PLAN takes one request at a time and holds it until <paramref name="release"/> completes.</summary>
    public static FactoryPipelineBuilder PlanHeldUntil(Task release) =>
        PassingBuilder()
            .Configure(o => o.Plan = new StageOptions { MaxDegreeOfParallelism = 1, BoundedCapacity = 1 })
            .Use(StageName.Plan, async (_, _) =>
            {
                await release;
                return StageResult.Success(HealthSpec);
            });

    public static StageResult Approve() => StageResult.Success(new ReviewVerdict(true, ["meets every criterion"]));

    public static StageResult Reject(params string[] reasons) =>
        StageResult.Failure(string.Join("; ", reasons), new ReviewVerdict(false, reasons));

    public static FeatureRequest Request(int number) => new($"req-{number:D5}", $"add endpoint number {number}");

    /// <summary>Bounds a wait that should finish quickly, so a regression fails the test instead of hanging CI.</summary>
    public static Task<T> Within<T>(this Task<T> task, int seconds = 60) => task.WaitAsync(TimeSpan.FromSeconds(seconds));

    /// <inheritdoc cref="Within{T}(Task{T}, int)"/>
    public static Task Within(this Task task, int seconds = 60) => task.WaitAsync(TimeSpan.FromSeconds(seconds));
}
