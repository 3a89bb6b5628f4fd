using System.Collections.Concurrent;
using System.Diagnostics;
using Factory.Dataflow;
using Factory.Dataflow.Diagnostics;
using Factory.Tests.Support;

namespace Factory.Tests.Diagnostics;

[Collection(TelemetryRunsAlone.Name)]
public sealed class ActivityTests
{
    [Fact]
    public async Task A_request_emits_one_request_activity_and_one_child_activity_per_stage_attempt_with_the_documented_tags()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Factory.Dataflow",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var request = TelemetryStages.Request();
        await using var pipeline = TelemetryStages.Builder().Build();

        var outcome = await pipeline.RunAsync(request).Within();

        var mine = stopped.Where(a => (string?)a.GetTagItem("factory.request_id") == request.Id).ToList();
        var root = Assert.Single(mine, a => a.OperationName == "factory.request");
        Assert.Equal(FactoryDiagnostics.RequestActivityName, root.OperationName);
        Assert.Equal("approved", root.GetTagItem("factory.outcome"));
        Assert.Equal(2, root.GetTagItem("factory.build_attempts"));
        Assert.Equal(outcome.TokensSpent, root.GetTagItem("factory.tokens"));
        Assert.Equal(ActivityStatusCode.Ok, root.Status);

        var stages = mine.Where(a => a.OperationName == FactoryDiagnostics.StageActivityName).ToList();
        string[] expected = ["build", "build", "plan", "review", "scout", "test", "validate", "validate"];
        Assert.Equal(expected, stages.Select(a => (string)a.GetTagItem("factory.stage")!).Order(StringComparer.Ordinal));
        Assert.Equal(outcome.Stages.Count, stages.Count);
        Assert.All(stages, a =>
        {
            Assert.Equal(root.TraceId, a.TraceId);
            Assert.Equal(root.SpanId, a.ParentSpanId);
            foreach (var tag in new[] { "factory.stage", "factory.attempt", "factory.tokens_in", "factory.tokens_out", "factory.retries", "factory.eval_ok" })
            {
                Assert.True(a.GetTagItem(tag) is not null, $"{a.GetTagItem("factory.stage")} lacks {tag}");
            }
        });

        var plan = Assert.Single(stages, a => (string?)a.GetTagItem("factory.stage") == "plan");
        Assert.Equal(TelemetryStages.PlanModel, plan.GetTagItem("factory.model"));
        Assert.Equal(120L, plan.GetTagItem("factory.tokens_in"));
        Assert.Equal(30L, plan.GetTagItem("factory.tokens_out"));
        Assert.Equal(1, plan.GetTagItem("factory.retries"));
        Assert.Equal(true, plan.GetTagItem("factory.eval_ok"));

        var validates = stages.Where(a => (string?)a.GetTagItem("factory.stage") == "validate").OrderBy(a => (int)a.GetTagItem("factory.attempt")!).ToList();
        Assert.Equal([false, true], validates.Select(a => (bool)a.GetTagItem("factory.eval_ok")!));
        Assert.Equal([1, 2], validates.Select(a => (int)a.GetTagItem("factory.attempt")!));
        Assert.Equal(ActivityStatusCode.Error, validates[0].Status);
    }

    [Fact]
    public async Task A_failed_request_says_how_and_where_it_ended_on_its_activity()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == FactoryDiagnostics.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var request = TelemetryStages.Request();
        await using var pipeline = TelemetryStages.Builder()
            .Use(StageName.Review, (_, _) => ValueTask.FromResult(InMemoryStages.Reject("no test for the error path")))
            .Build();

        await pipeline.RunAsync(request).Within();

        var root = Assert.Single(stopped, a => a.OperationName == "factory.request" && (string?)a.GetTagItem("factory.request_id") == request.Id);
        Assert.Equal("rejected", root.GetTagItem("factory.outcome"));
        Assert.Equal("review", root.GetTagItem("factory.failed_stage"));
        Assert.Equal(ActivityStatusCode.Error, root.Status);
        Assert.Contains("no test for the error path", root.StatusDescription);
    }

    [Fact]
    public async Task A_stage_attempt_that_ends_the_request_says_why_on_its_own_activity()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == FactoryDiagnostics.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var request = TelemetryStages.Request();
        await using var pipeline = TelemetryStages.Builder()
            .Use(StageName.Scout, (_, _) => throw new IOException("disk full"))
            .Build();

        await pipeline.RunAsync(request).Within();

        var scout = Assert.Single(stopped, a => a.OperationName == "factory.stage" && (string?)a.GetTagItem("factory.request_id") == request.Id
            && (string?)a.GetTagItem("factory.stage") == "scout");
        Assert.Equal(ActivityStatusCode.Error, scout.Status);
        Assert.Equal("SCOUT failed: IOException: disk full", scout.StatusDescription);
        Assert.Equal(false, scout.GetTagItem("factory.eval_ok"));
    }
}
