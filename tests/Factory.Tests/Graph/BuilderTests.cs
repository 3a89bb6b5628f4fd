using Factory.Dataflow;
using Factory.Tests.Support;

namespace Factory.Tests.Graph;

public sealed class BuilderTests
{
    [Fact]
    public void Building_without_every_stage_names_the_missing_ones()
    {
        var builder = new FactoryPipelineBuilder()
            .Use(StageName.Plan, (_, _) => ValueTask.FromResult(StageResult.Success(InMemoryStages.HealthSpec)));

        var error = Assert.Throws<InvalidOperationException>(builder.Build);

        Assert.Contains("No stage is registered for SCOUT", error.Message, StringComparison.Ordinal);
        Assert.Contains("No stage is registered for REVIEW", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("for PLAN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Building_with_invalid_options_lists_every_problem()
    {
        var builder = InMemoryStages.PassingBuilder().Configure(o =>
        {
            o.BuildBudget = 0;
            o.Validate.MaxDegreeOfParallelism = 0;
            o.Test.BoundedCapacity = -1;
            o.Review.Timeout = TimeSpan.Zero;
            o.MaxRequestsInBuildLoop = 0;
        });

        var error = Assert.Throws<InvalidOperationException>(builder.Build);

        Assert.Contains("BuildBudget must be at least 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("Validate.MaxDegreeOfParallelism must be at least 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("Test.BoundedCapacity must be at least 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("Review.Timeout must be positive", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRequestsInBuildLoop must be at least 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_changed_after_build_do_not_reach_the_running_graph()
    {
        var builder = InMemoryStages.PassingBuilder()
            .Use(StageName.Validate, (_, _) => ValueTask.FromResult(StageResult.Failure("E999")));
        await using var pipeline = builder.Build();
        builder.Options.BuildBudget = 10;

        var outcome = await pipeline.RunAsync(InMemoryStages.Request(1)).Within();

        Assert.Equal(3, outcome.BuildAttempts);
    }

    [Fact]
    public void Workspace_is_not_a_stage_slot()
    {
        var error = Assert.Throws<ArgumentException>(() => new FactoryPipelineBuilder().Use(StageName.Workspace, (_, _) => ValueTask.FromResult(StageResult.Success())));

        Assert.Contains("UseWorkspace", error.Message, StringComparison.Ordinal);
    }
}
