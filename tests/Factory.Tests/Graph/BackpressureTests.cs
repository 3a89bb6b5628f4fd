using Factory.Dataflow;
using Factory.Tests.Support;

namespace Factory.Tests.Graph;

public sealed class BackpressureTests
{
    [Fact]
    public async Task Submitting_waits_while_plan_is_full_and_resumes_when_it_has_room()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pipeline = InMemoryStages.PlanHeldUntil(release.Task).Build();

        await pipeline.SubmitAsync(InMemoryStages.Request(1)).Within();
        var second = pipeline.SubmitAsync(InMemoryStages.Request(2));

        Assert.False(second.IsCompleted, "PLAN holds one request and has room for no other, so the second submission must wait.");
        Assert.Equal(2, pipeline.InFlight);
        release.SetResult();
        await second.Within();
        pipeline.Complete();
        await pipeline.Completion.Within();
    }

    [Fact]
    public async Task Submitting_after_complete_is_refused_with_a_clear_message()
    {
        await using var pipeline = InMemoryStages.PassingBuilder().Build();
        pipeline.Complete();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.SubmitAsync(InMemoryStages.Request(1)));

        Assert.Contains("no longer accepts requests", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submitting_an_id_already_in_flight_is_refused()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Use(StageName.Plan, async (_, _) =>
            {
                await release.Task;
                return StageResult.Success(InMemoryStages.HealthSpec);
            })
            .Build();

        var first = pipeline.RunAsync(new FeatureRequest("same", "first"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.SubmitAsync(new FeatureRequest("same", "second")));
        release.SetResult();

        Assert.Contains("already in flight", error.Message, StringComparison.Ordinal);
        Assert.Equal(OutcomeStatus.Approved, (await first.Within()).Status);
    }
}
