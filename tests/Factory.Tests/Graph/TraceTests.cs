using Factory.Dataflow;
using Factory.Tests.Support;

namespace Factory.Tests.Graph;

public sealed class TraceTests
{
    [Fact]
    public async Task Concurrent_requests_each_write_whole_lines_to_their_own_trace()
    {
        using var runs = new TempDirectory();
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Configure(o =>
            {
                o.RunsDirectory = runs.Path;
                o.Build.MaxDegreeOfParallelism = 4;
                o.Validate.MaxDegreeOfParallelism = 4;
            })
            .Use(StageName.Validate, async (context, _) =>
            {
                await Task.Yield();
                return context.BuildAttempt == 1 && context.Request.Id.EndsWith('3') ? StageResult.Failure("E501 line too long") : StageResult.Success();
            })
            .Build();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => pipeline.RunAsync(InMemoryStages.Request(i)))).Within();

        foreach (var outcome in outcomes)
        {
            var events = TraceFile.Read(Path.Combine(runs.Path, outcome.Request.Id));
            Assert.Equal(outcome.Stages.Count + 1, events.Count);
            Assert.Equal(outcome.Stages.Select(s => s.Stage.ToTraceName()), TraceFile.Stages(events).Take(outcome.Stages.Count));
            Assert.Equal(outcome.Request.Id, events[^1].GetProperty("request_id").GetString());
            Assert.Equal(outcome.BuildAttempts, events[^1].GetProperty("build_attempts").GetInt32());
        }

        Assert.Equal(4, outcomes.Count(o => o.BuildAttempts == 2));
    }

    [Fact]
    public async Task A_failed_request_records_why_in_its_final_event()
    {
        using var runs = new TempDirectory();
        await using var pipeline = InMemoryStages.PassingBuilder()
            .Configure(o => o.RunsDirectory = runs.Path)
            .Use(StageName.Test, (_, _) => ValueTask.FromResult(StageResult.Failure("FAILED tests/test_main.py::test_root")))
            .Build();

        var outcome = await pipeline.RunAsync(InMemoryStages.Request(7)).Within();

        var final = TraceFile.Read(outcome.RunDirectory!)[^1];
        Assert.Equal("pipeline", final.GetProperty("stage").GetString());
        Assert.False(final.GetProperty("eval_ok").GetBoolean());
        Assert.Equal("build_budget_exhausted", final.GetProperty("outcome").GetString());
        Assert.Equal("test", final.GetProperty("failed_stage").GetString());
        Assert.Equal(3, final.GetProperty("build_attempts").GetInt32());
        Assert.Contains("FAILED tests/test_main.py::test_root", final.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }
}
