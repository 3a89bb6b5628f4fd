using Factory.Dataflow;
using Factory.Tests.Support;

namespace Factory.Tests.Graph;

public sealed class CancellationTests
{
    [Fact]
    public async Task Cancelling_a_request_in_a_stage_ends_it_cancelled_and_leaves_the_others_running()
    {
        var buildStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Use(StageName.Build, async (context, token) =>
            {
                if (context.Request.Id == "doomed")
                {
                    buildStarted.TrySetResult();
                    await Task.Delay(Timeout.Infinite, token);
                }

                return StageResult.Success();
            })
            .Build();
        using var cancel = new CancellationTokenSource();

        var doomed = pipeline.RunAsync(new FeatureRequest("doomed", "a request the user gives up on"), cancel.Token);
        await buildStarted.Task.Within();
        await cancel.CancelAsync();
        var outcome = await doomed.Within();
        var other = await pipeline.RunAsync(InMemoryStages.Request(1)).Within();

        Assert.Equal(OutcomeStatus.Cancelled, outcome.Status);
        Assert.Equal(StageName.Build, outcome.FailedStage);
        Assert.Equal(OutcomeStatus.Approved, other.Status);
    }

    [Fact]
    public async Task Cancelling_everything_gives_every_request_in_flight_its_cancelled_outcome()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Configure(o => o.Test.MaxDegreeOfParallelism = 4)
            .Use(StageName.Test, async (_, token) =>
            {
                if (Interlocked.Increment(ref started) == 4)
                {
                    allStarted.TrySetResult();
                }

                await release.Task.WaitAsync(token);
                return StageResult.Success();
            })
            .Build();

        var runs = Enumerable.Range(0, 30).Select(i => pipeline.RunAsync(InMemoryStages.Request(i))).ToList();
        await allStarted.Task.Within();
        pipeline.CancelAll();
        var outcomes = await Task.WhenAll(runs).Within();

        Assert.Equal(30, outcomes.Length);
        Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Cancelled, o.Status));
        pipeline.Complete();
        await pipeline.Completion.Within();
    }

    [Fact]
    public async Task Disposing_a_busy_pipeline_cancels_in_flight_requests_and_each_still_gets_an_outcome()
    {
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pipeline = InMemoryStages.PassingBuilder()
            .Use(StageName.Scout, async (_, token) =>
            {
                stuck.TrySetResult();
                await Task.Delay(Timeout.Infinite, token);
                return StageResult.Success(InMemoryStages.HealthBrief);
            })
            .Build();

        var runs = Enumerable.Range(0, 5).Select(i => pipeline.RunAsync(InMemoryStages.Request(i))).ToList();
        await stuck.Task.Within();
        await pipeline.DisposeAsync().AsTask().Within();
        var outcomes = await Task.WhenAll(runs).Within();

        Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Cancelled, o.Status));
        Assert.True(pipeline.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_submission_cancelled_while_waiting_for_room_is_not_accepted()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pipeline = InMemoryStages.PlanHeldUntil(release.Task).Build();
        using var cancel = new CancellationTokenSource();

        var first = pipeline.RunAsync(InMemoryStages.Request(1));
        var waiting = pipeline.SubmitAsync(InMemoryStages.Request(2), cancel.Token);
        Assert.False(waiting.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.Within());
        release.SetResult();
        Assert.Equal(OutcomeStatus.Approved, (await first.Within()).Status);
        Assert.Equal(0, pipeline.InFlight);
    }
}
