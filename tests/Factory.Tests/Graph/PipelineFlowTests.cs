using Factory.Dataflow;
using Factory.Tests.Support;

namespace Factory.Tests.Graph;

public sealed class PipelineFlowTests
{
    [Fact]
    public async Task A_request_flows_through_all_six_stages_and_the_trace_records_them_in_order()
    {
        using var runs = new TempDirectory();
        await using var pipeline = InMemoryStages.PassingBuilder().Configure(o => o.RunsDirectory = runs.Path).Build();

        var outcome = await pipeline.RunAsync(new FeatureRequest("health", "add a /health endpoint returning status ok")).Within();

        Assert.Equal(OutcomeStatus.Approved, outcome.Status);
        Assert.Equal(1, outcome.BuildAttempts);
        Assert.Equal(InMemoryStages.HealthSpec, outcome.Spec);
        Assert.Equal(
            [StageName.Plan, StageName.Scout, StageName.Build, StageName.Validate, StageName.Test, StageName.Review],
            outcome.Stages.Select(s => s.Stage));

        var events = TraceFile.Read(Path.Combine(runs.Path, "health"));
        Assert.Equal(["plan", "scout", "build", "validate", "test", "review", "pipeline"], TraceFile.Stages(events));
        foreach (var stageEvent in events.Take(6))
        {
            foreach (var field in new[] { "model", "served_by", "tokens_in", "tokens_out", "ms", "retries", "eval_ok", "attempt" })
            {
                Assert.True(stageEvent.TryGetProperty(field, out _), $"{stageEvent} lacks {field}");
            }

            Assert.True(stageEvent.GetProperty("eval_ok").GetBoolean());
        }

        Assert.Equal("Add a /health endpoint", events[0].GetProperty("title").GetString());
        Assert.Equal("meets every criterion", events[5].GetProperty("reasons")[0].GetString());
        var final = events[6];
        Assert.Equal("approved", final.GetProperty("outcome").GetString());
        Assert.True(final.GetProperty("eval_ok").GetBoolean());
        Assert.Equal(1, final.GetProperty("build_attempts").GetInt32());
        Assert.True(final.GetProperty("seconds").GetDouble() >= 0);
    }

    [Fact]
    public async Task Stages_see_the_spec_brief_and_build_attempt_of_their_request()
    {
        StageContext? seenByBuild = null;
        StageContext? seenByReview = null;
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Use(StageName.Build, (context, _) =>
            {
                seenByBuild = context;
                return ValueTask.FromResult(StageResult.Success());
            })
            .Use(StageName.Review, (context, _) =>
            {
                seenByReview = context;
                return ValueTask.FromResult(InMemoryStages.Approve());
            })
            .Build();

        await pipeline.RunAsync(InMemoryStages.Request(1)).Within();

        Assert.NotNull(seenByBuild);
        Assert.Equal(InMemoryStages.HealthSpec, seenByBuild.Spec);
        Assert.Equal(InMemoryStages.HealthBrief, seenByBuild.Brief);
        Assert.Equal(1, seenByBuild.BuildAttempt);
        Assert.Null(seenByBuild.Feedback);
        Assert.NotNull(seenByReview);
        Assert.Null(seenByReview.Feedback);
    }

    [Fact]
    public async Task Submitted_requests_each_get_one_outcome_on_the_outcome_stream()
    {
        await using var pipeline = InMemoryStages.PassingBuilder().Build();
        var reader = Task.Run(async () =>
        {
            var outcomes = new List<FeatureOutcome>();
            await foreach (var outcome in pipeline.ReadOutcomesAsync())
            {
                outcomes.Add(outcome);
            }

            return outcomes;
        });

        for (var i = 0; i < 50; i++)
        {
            await pipeline.SubmitAsync(InMemoryStages.Request(i));
        }

        pipeline.Complete();
        await pipeline.Completion.Within();
        var all = await reader.Within();

        Assert.Equal(50, all.Count);
        Assert.Equal(50, all.Select(o => o.Request.Id).Distinct().Count());
        Assert.All(all, o => Assert.Equal(OutcomeStatus.Approved, o.Status));
    }

    [Fact]
    public async Task Completing_an_idle_pipeline_completes_it_and_ends_the_outcome_stream()
    {
        await using var pipeline = InMemoryStages.PassingBuilder().Build();

        pipeline.Complete();
        await pipeline.Completion.Within();

        var count = 0;
        await foreach (var _ in pipeline.ReadOutcomesAsync())
        {
            count++;
        }

        Assert.Equal(0, count);
    }
}
