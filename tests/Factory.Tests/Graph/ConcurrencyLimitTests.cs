using Factory.Dataflow;
using Factory.Tests.Support;

namespace Factory.Tests.Graph;

public sealed class ConcurrencyLimitTests
{
    [Theory]
    [InlineData(StageName.Plan)]
    [InlineData(StageName.Scout)]
    [InlineData(StageName.Build)]
    [InlineData(StageName.Validate)]
    [InlineData(StageName.Test)]
    [InlineData(StageName.Review)]
    public async Task A_stage_never_runs_more_requests_at_once_than_its_limit_and_reaches_it_when_work_waits(StageName stage)
    {
        const int limit = 3;
        var active = 0;
        var peak = 0;
        var reachedLimit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var passing = InMemoryStages.PassingBuilder();
        var builder = passing
            .Configure(o =>
            {
                var options = o.For(stage);
                options.MaxDegreeOfParallelism = limit;
                options.BoundedCapacity = 2 * limit;
            })
            .Use(stage, async (_, _) =>
            {
                var now = Interlocked.Increment(ref active);
                InterlockedMax(ref peak, now);
                if (now == limit)
                {
                    reachedLimit.TrySetResult();
                }

                await release.Task;
                Interlocked.Decrement(ref active);
                return stage switch
                {
                    StageName.Plan => StageResult.Success(InMemoryStages.HealthSpec),
                    StageName.Scout => StageResult.Success(InMemoryStages.HealthBrief),
                    StageName.Review => InMemoryStages.Approve(),
                    _ => StageResult.Success(),
                };
            });
        await using var pipeline = builder.Build();

        var runs = Enumerable.Range(0, 12).Select(i => pipeline.RunAsync(InMemoryStages.Request(i))).ToList();
        await reachedLimit.Task.Within();
        Assert.Equal(limit, Volatile.Read(ref peak));
        release.SetResult();
        var outcomes = await Task.WhenAll(runs).Within();

        Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Approved, o.Status));
        Assert.Equal(limit, peak);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
