using Factory.Dataflow;
using Factory.Dataflow.Tracing;
using Factory.Tests.Support;

namespace Factory.Tests.Tracing;

public sealed class TraceReaderTests
{
    [Fact]
    public async Task Traces_written_by_the_graph_read_back_with_their_figures()
    {
        using var runs = new TempDirectory();
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Configure(o => o.RunsDirectory = runs.Path)
            .Use(StageName.Plan, (context, _) =>
            {
                context.Usage.Model = "qwen2.5:3b";
                context.Usage.AddTokens(120, 45);
                return ValueTask.FromResult(StageResult.Success(InMemoryStages.HealthSpec));
            })
            .Build();
        await pipeline.RunAsync(InMemoryStages.Request(1)).Within();
        await pipeline.RunAsync(InMemoryStages.Request(2)).Within();

        var traces = TraceReader.ReadRuns(runs.Path);

        Assert.Equal(["req-00001", "req-00002"], traces.Select(t => t.RequestId));
        var plan = traces[0].Attempts[0];
        Assert.Equal(("plan", "qwen2.5:3b", 120L, 45L, true), (plan.Stage, plan.Model, plan.TokensIn, plan.TokensOut, plan.EvalOk));
        Assert.NotNull(plan.Timestamp);
        Assert.Equal("approved", traces[0].Final!.Outcome);
        Assert.Equal(165, traces[0].Final!.Tokens);
        Assert.Empty(traces[0].Problems);
    }

    [Fact]
    public void A_torn_last_line_from_a_killed_run_is_reported_and_the_rest_is_read()
    {
        using var runs = new TempDirectory();
        var run = Directory.CreateDirectory(Path.Combine(runs.Path, "killed")).FullName;
        File.WriteAllText(
            Path.Combine(run, "trace.jsonl"),
            "{\"stage\":\"plan\",\"attempt\":1,\"ms\":12,\"eval_ok\":true}\n{\"stage\":\"scout\",\"attem");

        var trace = TraceReader.ReadRun(run);

        Assert.Single(trace.Attempts);
        Assert.False(trace.IsFinished);
        Assert.Contains(":2: not JSON", Assert.Single(trace.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_runs_folder_is_a_clear_error()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => TraceReader.ReadRuns("/nonexistent/factory-runs"));

        Assert.Contains("/nonexistent/factory-runs", error.Message, StringComparison.Ordinal);
    }
}
