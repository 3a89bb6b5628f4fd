using Factory.Dataflow;
using Factory.Dataflow.Budget;
using Factory.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Factory.Tests.Graph;

public sealed class StageFailureTests
{
    [Fact]
    public async Task A_stage_that_throws_fails_only_its_own_request()
    {
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Use(StageName.Validate, (context, _) => context.Request.Id == "req-00003"
                ? throw new InvalidOperationException("mypy crashed")
                : ValueTask.FromResult(StageResult.Success()))
            .Build();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => pipeline.RunAsync(InMemoryStages.Request(i)))).Within();

        var failed = Assert.Single(outcomes, o => o.Status != OutcomeStatus.Approved);
        Assert.Equal("req-00003", failed.Request.Id);
        Assert.Equal(OutcomeStatus.FailedInStage, failed.Status);
        Assert.Equal(StageName.Validate, failed.FailedStage);
        Assert.Contains("mypy crashed", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(1, failed.BuildAttempts);
    }

    [Fact]
    public async Task A_stage_that_times_out_fails_in_that_stage_and_the_graph_keeps_running()
    {
        var time = new FakeTimeProvider();
        var reviewStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pipeline = InMemoryStages.PassingBuilder()
            .UseTimeProvider(time)
            .Configure(o => o.Review.Timeout = TimeSpan.FromMinutes(3))
            .Use(StageName.Review, async (context, token) =>
            {
                if (context.Request.Id != "slow")
                {
                    return InMemoryStages.Approve();
                }

                reviewStarted.TrySetResult();
                await Task.Delay(Timeout.Infinite, token);
                return InMemoryStages.Approve();
            })
            .Build();

        var slow = pipeline.RunAsync(new FeatureRequest("slow", "a request whose reviewer never answers"));
        await reviewStarted.Task.Within();
        time.Advance(TimeSpan.FromMinutes(3));
        var outcome = await slow.Within();
        var next = await pipeline.RunAsync(InMemoryStages.Request(2)).Within();

        Assert.Equal(OutcomeStatus.FailedInStage, outcome.Status);
        Assert.Equal(StageName.Review, outcome.FailedStage);
        Assert.Contains("timed out", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(OutcomeStatus.Approved, next.Status);
    }

    [Fact]
    public async Task A_stage_that_refuses_a_call_over_budget_ends_the_request_budget_exceeded()
    {
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Configure(o => o.MaxTokensPerRequest = 1000)
            .Use(StageName.Build, (context, _) =>
            {
                context.Budget.EnsureCanSpend(StageName.Build, worstCaseTokens: 600);
                context.Usage.AddTokens(400, 200);
                return ValueTask.FromResult(StageResult.Failure("mypy: 1 error"));
            })
            .Build();

        var outcome = await pipeline.RunAsync(InMemoryStages.Request(1)).Within();

        Assert.Equal(OutcomeStatus.BudgetExceeded, outcome.Status);
        Assert.Equal(StageName.Build, outcome.FailedStage);
        Assert.Equal(600, outcome.TokensSpent);
        Assert.Equal(2, outcome.BuildAttempts);
        Assert.Contains("600 of the request's 1000", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stage_that_returns_the_wrong_output_fails_with_a_clear_reason()
    {
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Use(StageName.Plan, (_, _) => ValueTask.FromResult(StageResult.Success("a title, not a spec")))
            .Build();

        var outcome = await pipeline.RunAsync(InMemoryStages.Request(1)).Within();

        Assert.Equal(OutcomeStatus.FailedInStage, outcome.Status);
        Assert.Equal("PLAN returned a String instead of a Spec.", outcome.Reason);
    }
}
