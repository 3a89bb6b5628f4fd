using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Stages.Plan;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Stages;

public class PlanStageTests
{
    private const string GoodSpec =
        "{\"title\": \"Add /health\", \"acceptance_criteria\": [\"GET /health returns {\\\"status\\\": \\\"ok\\\"}\"], " +
        "\"out_of_scope\": [\"auth\"], \"constraints\": [\"no new dependencies\"]}";

    [Fact]
    public async Task Plan_runs_warm_and_returns_the_spec_with_its_title_in_the_trace()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.PlanModel, FakeReply.Text(GoodSpec));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        var context = StageTestKit.Context(StageName.Plan);

        var result = await new PlanStage(factory.Create(StageName.Plan)).ExecuteAsync(context, CancellationToken.None);

        Assert.True(result.Ok, result.Detail);
        var spec = Assert.IsType<Spec>(result.Output);
        Assert.Equal("Add /health", spec.Title);
        Assert.Equal("Add /health", context.Usage.Extras["title"]);
        var sent = Assert.Single(server.ChatRequests);
        Assert.Equal(0.7, sent.Temperature!.Value, precision: 3);
        Assert.Contains("add a /health endpoint returning status ok", sent.AllText);
    }

    [Fact]
    public async Task Prose_wrapped_json_parses_without_a_repair()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.PlanModel, FakeReply.Text($"Here is the plan you asked for:\n```json\n{GoodSpec}\n```\nGood luck!"));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        var context = StageTestKit.Context(StageName.Plan);

        var result = await new PlanStage(factory.Create(StageName.Plan)).ExecuteAsync(context, CancellationToken.None);

        Assert.True(result.Ok, result.Detail);
        Assert.Equal(0, context.Usage.Retries);
    }

    [Fact]
    public async Task Malformed_json_gets_one_counted_repair_retry_then_a_clear_failure()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.PlanModel, FakeReply.Text("{\"title\": \"Add /health\", \"acceptance_criteria\": ["), FakeReply.Text("I think it is fine"));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        var context = StageTestKit.Context(StageName.Plan);

        var result = await new PlanStage(factory.Create(StageName.Plan)).ExecuteAsync(context, CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Null(result.Output);
        Assert.Equal("PLAN's reply could not be read after one repair attempt: the reply contains no JSON object", result.Detail);
        Assert.Equal(1, context.Usage.Retries);
        var repair = server.ChatRequests[1];
        Assert.Contains("the reply is not valid JSON", repair.Messages[^1].Content);
        Assert.Equal("assistant", repair.Messages[^2].Role);
    }

    [Fact]
    public async Task A_repaired_reply_succeeds()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.PlanModel, FakeReply.Text("{\"name\": \"x\"}"), FakeReply.Text(GoodSpec));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        var context = StageTestKit.Context(StageName.Plan);

        var result = await new PlanStage(factory.Create(StageName.Plan)).ExecuteAsync(context, CancellationToken.None);

        Assert.True(result.Ok, result.Detail);
        Assert.Equal(1, context.Usage.Retries);
        Assert.Contains("\"title\" is missing", server.ChatRequests[1].Messages[^1].Content);
    }

    [Fact]
    public async Task A_spec_without_acceptance_criteria_fails_the_eval()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.PlanModel, FakeReply.Text("{\"title\": \"Add /health\", \"acceptance_criteria\": []}"));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));

        var result = await new PlanStage(factory.Create(StageName.Plan)).ExecuteAsync(StageTestKit.Context(StageName.Plan), CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal("PLAN's spec has no acceptance criteria.", result.Detail);
    }
}
