using System.Collections.Concurrent;
using System.Text;
using Factory.Dataflow;
using Factory.Tests.Support;

namespace Factory.Tests.Graph;

public sealed class StressTests
{
    private const int Seed = 20261125;

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    public async Task Two_thousand_requests_through_capacity_one_blocks_with_half_the_gates_failing_each_end_exactly_once(int? loopLimit)
    {
        const int count = 2000;
        var capacityOne = (int parallelism) => new StageOptions { MaxDegreeOfParallelism = parallelism, BoundedCapacity = 1 };
        var builder = InMemoryStages.PassingBuilder()
            .Configure(o =>
            {
                o.Plan = capacityOne(2);
                o.Scout = capacityOne(1);
                o.Build = capacityOne(3);
                o.Validate = capacityOne(2);
                o.Test = capacityOne(1);
                o.Review = capacityOne(2);
                o.Settle = capacityOne(2);
                o.MaxRequestsInBuildLoop = loopLimit;
                o.OutcomeCapacity = 1;
            })
            .Use(StageName.Build, (context, _) => Gate(context, StageName.Build))
            .Use(StageName.Validate, (context, _) => Gate(context, StageName.Validate))
            .Use(StageName.Test, (context, _) => Gate(context, StageName.Test))
            .Use(StageName.Review, async (context, _) =>
            {
                await Task.Yield();
                return Fails(context.Request.Id, StageName.Review, 0) ? InMemoryStages.Reject("out of scope") : InMemoryStages.Approve();
            });
        await using var pipeline = builder.Build();

        var outcomes = new ConcurrentDictionary<string, int>();
        var results = new ConcurrentBag<FeatureOutcome>();
        var reader = Task.Run(async () =>
        {
            await foreach (var outcome in pipeline.ReadOutcomesAsync())
            {
                outcomes.AddOrUpdate(outcome.Request.Id, 1, (_, n) => n + 1);
                results.Add(outcome);
            }
        });
        for (var i = 0; i < count; i++)
        {
            await pipeline.SubmitAsync(InMemoryStages.Request(i));
        }

        pipeline.Complete();
        await pipeline.Completion.Within(300);
        await reader.Within(60);

        Assert.Equal(count, outcomes.Count);
        Assert.All(outcomes.Values, n => Assert.Equal(1, n));
        foreach (var outcome in results)
        {
            var (status, attempts) = Expected(outcome.Request.Id);
            Assert.True(status == outcome.Status && attempts == outcome.BuildAttempts,
                $"{outcome.Request.Id}: expected {status} after {attempts} BUILD calls, got {outcome.Status} after {outcome.BuildAttempts} ({outcome.Reason})");
        }

        // The seed really exercises every path, so the test cannot pass by never looping.
        Assert.Contains(results, o => o.Status == OutcomeStatus.Approved && o.BuildAttempts > 1);
        Assert.Contains(results, o => o.Status == OutcomeStatus.BuildBudgetExhausted);
        Assert.Contains(results, o => o.Status == OutcomeStatus.Rejected);
        Assert.Equal(0, pipeline.InFlight);
        Assert.Equal(0, pipeline.InBuildLoop);
    }

    private static async ValueTask<StageResult> Gate(StageContext context, StageName stage)
    {
        await Task.Yield();
        return Fails(context.Request.Id, stage, context.BuildAttempt)
            ? StageResult.Failure($"{stage} failed for {context.Request.Id} on attempt {context.BuildAttempt}")
            : StageResult.Success();
    }

    /// <summary>What the graph must conclude, worked out directly from the same seeded decisions.</summary>
    private static (OutcomeStatus Status, int BuildAttempts) Expected(string id)
    {
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            if (Fails(id, StageName.Build, attempt) || Fails(id, StageName.Validate, attempt) || Fails(id, StageName.Test, attempt))
            {
                continue;
            }

            return (Fails(id, StageName.Review, 0) ? OutcomeStatus.Rejected : OutcomeStatus.Approved, attempt);
        }

        return (OutcomeStatus.BuildBudgetExhausted, 3);
    }

    /// <summary>A seeded coin per (request, stage, attempt): half the gate runs fail. Gates fail less often, so loops happen.</summary>
    private static bool Fails(string id, StageName stage, int attempt)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes($"{Seed}:{id}:{stage}:{attempt}"))
        {
            hash = (hash ^ b) * 16777619u;
        }

        var threshold = stage switch
        {
            StageName.Build => 0.2,
            StageName.Review => 0.1,
            _ => 0.5,
        };
        return new Random((int)hash).NextDouble() < threshold;
    }
}
