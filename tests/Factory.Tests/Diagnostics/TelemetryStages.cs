using Factory.Dataflow;
using Factory.Tests.Support;

namespace Factory.Tests.Diagnostics;

/// <summary>Passing stages that report usage the way model stages do, and a VALIDATE that fails BUILD's first attempt.</summary>
internal static class TelemetryStages
{
    public const string PlanModel = "plan-model:1b";
    public const string BuildModel = "build-model:7b";

    public static FactoryPipelineBuilder Builder() => InMemoryStages.PassingBuilder()
        .Use(StageName.Plan, (context, _) =>
        {
            context.Usage.Model = PlanModel;
            context.Usage.AddTokens(120, 30);
            context.Usage.AddRetry();
            return ValueTask.FromResult(StageResult.Success(InMemoryStages.HealthSpec));
        })
        .Use(StageName.Build, (context, _) =>
        {
            context.Usage.Model = BuildModel;
            context.Usage.AddTokens(400, 200);
            return ValueTask.FromResult(StageResult.Success());
        })
        .Use(StageName.Validate, (context, _) =>
            ValueTask.FromResult(context.BuildAttempt == 1 ? StageResult.Failure("F401 unused import") : StageResult.Success()));

    public static FeatureRequest Request() => new($"otel-{Guid.NewGuid():N}", "add a /health endpoint");
}
