using Factory.Dataflow;
using Factory.Tests.Support;

namespace Factory.Tests.Graph;

public sealed class FeedbackLoopTests
{
    private const string MypyOutput = "app/main.py:7: error: Incompatible return value type (got \"int\", expected \"dict[str, str]\")  [return-value]\nFound 1 error in 1 file (checked 2 source files)\n";

    [Fact]
    public async Task A_validate_failure_goes_back_to_build_with_the_exact_tool_output()
    {
        using var runs = new TempDirectory();
        var feedbackSeen = new List<(string? Text, StageName? From, int Attempt)>();
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Configure(o => o.RunsDirectory = runs.Path)
            .Use(StageName.Build, (context, _) =>
            {
                feedbackSeen.Add((context.Feedback, context.FeedbackFrom, context.BuildAttempt));
                return ValueTask.FromResult(StageResult.Success());
            })
            .Use(StageName.Validate, (context, _) => ValueTask.FromResult(
                context.BuildAttempt == 1 ? StageResult.Failure(MypyOutput) : StageResult.Success()))
            .Build();

        var outcome = await pipeline.RunAsync(InMemoryStages.Request(1)).Within();

        Assert.Equal(OutcomeStatus.Approved, outcome.Status);
        Assert.Equal(2, outcome.BuildAttempts);
        Assert.Equal([(null, null, 1), (MypyOutput, StageName.Validate, 2)], feedbackSeen);

        var events = TraceFile.Read(outcome.RunDirectory!);
        Assert.Equal(["plan", "scout", "build", "validate", "build", "validate", "test", "review", "pipeline"], TraceFile.Stages(events));
        Assert.Equal(MypyOutput, events[3].GetProperty("detail").GetString());
        Assert.False(events[3].GetProperty("eval_ok").GetBoolean());
        Assert.Equal(MypyOutput, events[4].GetProperty("feedback").GetString());
        Assert.Equal(2, events[4].GetProperty("attempt").GetInt32());
        Assert.Equal(2, events[^1].GetProperty("build_attempts").GetInt32());
    }

    [Fact]
    public async Task Build_and_test_failures_also_loop_back_and_build_attempts_counts_build_calls()
    {
        var buildCalls = 0;
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Use(StageName.Build, (context, _) =>
            {
                Interlocked.Increment(ref buildCalls);
                return ValueTask.FromResult(context.BuildAttempt == 1 ? StageResult.Failure("SyntaxError: invalid syntax (main.py, line 3)") : StageResult.Success());
            })
            .Use(StageName.Test, (context, _) => ValueTask.FromResult(
                context.BuildAttempt == 2 ? StageResult.Failure("FAILED tests/test_health.py::test_health") : StageResult.Success()))
            .Build();

        var outcome = await pipeline.RunAsync(InMemoryStages.Request(1)).Within();

        Assert.Equal(OutcomeStatus.Approved, outcome.Status);
        Assert.Equal(3, buildCalls);
        Assert.Equal(3, outcome.BuildAttempts);
    }

    [Fact]
    public async Task A_spent_build_budget_ends_the_request_with_the_last_feedback()
    {
        var buildCalls = 0;
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Configure(o => o.BuildBudget = 3)
            .Use(StageName.Build, (_, _) =>
            {
                Interlocked.Increment(ref buildCalls);
                return ValueTask.FromResult(StageResult.Success());
            })
            .Use(StageName.Test, (context, _) => ValueTask.FromResult(StageResult.Failure($"coverage 41% is under the floor of 80% (attempt {context.BuildAttempt})")))
            .Build();

        var outcome = await pipeline.RunAsync(InMemoryStages.Request(1)).Within();

        Assert.Equal(OutcomeStatus.BuildBudgetExhausted, outcome.Status);
        Assert.Equal(3, buildCalls);
        Assert.Equal(3, outcome.BuildAttempts);
        Assert.Equal(StageName.Test, outcome.FailedStage);
        Assert.Contains("coverage 41% is under the floor of 80% (attempt 3)", outcome.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(outcome.Stages, s => s.Stage == StageName.Review);
    }

    [Fact]
    public async Task A_budget_of_one_build_call_never_loops()
    {
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Configure(o => o.BuildBudget = 1)
            .Use(StageName.Validate, (_, _) => ValueTask.FromResult(StageResult.Failure("F401 unused import")))
            .Build();

        var outcome = await pipeline.RunAsync(InMemoryStages.Request(1)).Within();

        Assert.Equal(OutcomeStatus.BuildBudgetExhausted, outcome.Status);
        Assert.Equal(1, outcome.BuildAttempts);
        Assert.Single(outcome.Stages, s => s.Stage == StageName.Build);
    }

    [Fact]
    public async Task A_review_reject_is_final_and_never_loops_back_to_build()
    {
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Use(StageName.Review, (_, _) => ValueTask.FromResult(InMemoryStages.Reject("adds an unrequested /version route")))
            .Build();

        var outcome = await pipeline.RunAsync(InMemoryStages.Request(1)).Within();

        Assert.Equal(OutcomeStatus.Rejected, outcome.Status);
        Assert.Equal(1, outcome.BuildAttempts);
        Assert.Equal(StageName.Review, outcome.FailedStage);
        Assert.Equal(["adds an unrequested /version route"], outcome.ReviewReasons);
        Assert.Contains("unrequested /version route", outcome.Reason, StringComparison.Ordinal);
        Assert.Single(outcome.Stages, s => s.Stage == StageName.Review);
    }

    [Fact]
    public async Task A_review_without_a_verdict_is_a_failure_never_an_approval()
    {
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Use(StageName.Review, (_, _) => ValueTask.FromResult(StageResult.Success("looks fine to me")))
            .Build();

        var outcome = await pipeline.RunAsync(InMemoryStages.Request(1)).Within();

        Assert.Equal(OutcomeStatus.FailedInStage, outcome.Status);
        Assert.Equal(StageName.Review, outcome.FailedStage);
    }

    [Fact]
    public async Task Scout_is_retried_once_with_its_failure_then_the_request_fails_at_scout()
    {
        var scoutFeedback = new List<string?>();
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Use(StageName.Scout, (context, _) =>
            {
                scoutFeedback.Add(context.Feedback);
                return ValueTask.FromResult(StageResult.Failure($"cited file app/missing{context.Attempt}.py does not exist"));
            })
            .Build();

        var outcome = await pipeline.RunAsync(InMemoryStages.Request(1)).Within();

        Assert.Equal(OutcomeStatus.FailedInStage, outcome.Status);
        Assert.Equal(StageName.Scout, outcome.FailedStage);
        Assert.Equal([null, "cited file app/missing1.py does not exist"], scoutFeedback);
        Assert.Contains("app/missing2.py", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, outcome.BuildAttempts);
    }

    [Fact]
    public async Task A_scout_retry_that_succeeds_continues_to_build()
    {
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Use(StageName.Scout, (context, _) => ValueTask.FromResult(
                context.Attempt == 1 ? StageResult.Failure("no files cited") : StageResult.Success(InMemoryStages.HealthBrief)))
            .Build();

        var outcome = await pipeline.RunAsync(InMemoryStages.Request(1)).Within();

        Assert.Equal(OutcomeStatus.Approved, outcome.Status);
        Assert.Equal(2, outcome.Stages.Count(s => s.Stage == StageName.Scout));
    }

    [Fact]
    public async Task A_plan_whose_eval_fails_ends_the_request_at_plan()
    {
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Use(StageName.Plan, (_, _) => ValueTask.FromResult(StageResult.Failure("the spec has no acceptance criteria")))
            .Build();

        var outcome = await pipeline.RunAsync(InMemoryStages.Request(1)).Within();

        Assert.Equal(OutcomeStatus.FailedInStage, outcome.Status);
        Assert.Equal(StageName.Plan, outcome.FailedStage);
        Assert.Contains("no acceptance criteria", outcome.Reason, StringComparison.Ordinal);
    }
}
