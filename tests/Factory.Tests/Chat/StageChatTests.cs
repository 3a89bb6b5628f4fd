using Factory.Dataflow;
using Factory.Dataflow.Budget;
using Factory.Dataflow.Chat;
using Factory.Tests.Stages;
using Factory.Tests.Support.FakeOllama;
using Microsoft.Extensions.AI;

namespace Factory.Tests.Chat;

public class StageChatTests
{
    private static readonly ChatMessage[] Hello = [new(ChatRole.User, "hello")];

    [Fact]
    public async Task Tokens_and_served_by_come_from_the_servers_reply()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text("{}", promptEvalCount: 123, evalCount: 45));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        var context = StageTestKit.Context(StageName.Build);

        await factory.Create(StageName.Build).GetResponseAsync(context, Hello, null, CancellationToken.None);

        Assert.Equal(123, context.Usage.TokensIn);
        Assert.Equal(45, context.Usage.TokensOut);
        Assert.Equal(168, context.Budget.TokensSpent);
        Assert.Equal(StageTestKit.BuildModel, context.Usage.Model);
        Assert.Equal($"{StageTestKit.BuildModel}@{server.BaseUri}", context.Usage.ServedBy);
    }

    [Fact]
    public async Task The_stage_settings_are_sent_with_the_request()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text("{}"));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server, o => o.Stages.Build.MaxOutputTokens = 333));

        await factory.Create(StageName.Build).AskJsonAsync(StageTestKit.Context(StageName.Build), Hello, e => e, CancellationToken.None);

        var sent = Assert.Single(server.ChatRequests);
        Assert.Equal(333, sent.NumPredict);
        Assert.Equal("json", sent.Format);
        Assert.Equal(8192, sent.Json!.Value.GetProperty("options").GetProperty("num_ctx").GetInt32());
    }

    [Fact]
    public async Task A_500_is_retried_and_counted()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Status(500, "CUDA out of memory"), FakeReply.Text("{\"ok\": true}"));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        var context = StageTestKit.Context(StageName.Build);

        var response = await factory.Create(StageName.Build).GetResponseAsync(context, Hello, null, CancellationToken.None);

        Assert.Equal("{\"ok\": true}", response.Text);
        Assert.Equal(1, context.Usage.Retries);
        Assert.Equal(2, server.ChatRequests.Count);
    }

    [Fact]
    public async Task A_500_that_persists_fails_the_call_with_the_cause_after_the_retries()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Respond(StageTestKit.BuildModel, _ => FakeReply.Status(500));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server, o => o.Stages.Build.TransportRetries = 2));
        var context = StageTestKit.Context(StageName.Build);

        var error = await Assert.ThrowsAsync<ModelCallException>(
            () => factory.Create(StageName.Build).GetResponseAsync(context, Hello, null, CancellationToken.None));

        Assert.Contains("HTTP 500", error.Message);
        Assert.Contains("3 attempts", error.Message);
        Assert.Equal(3, server.ChatRequests.Count);
        Assert.Equal(2, context.Usage.Retries);
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out_with_an_exception()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Respond(StageTestKit.BuildModel, _ => FakeReply.Hang());
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server, o =>
        {
            o.Stages.Build.Timeout = TimeSpan.FromMilliseconds(300);
            o.Stages.Build.TransportRetries = 1;
        }));
        var context = StageTestKit.Context(StageName.Build);

        var error = await Assert.ThrowsAsync<ModelCallException>(
            () => factory.Create(StageName.Build).GetResponseAsync(context, Hello, null, CancellationToken.None));

        Assert.Contains("timed out after 0.3 s (2 attempts)", error.Message);
        Assert.Equal(1, context.Usage.Retries);
    }

    [Fact]
    public async Task A_missing_model_fails_at_once_with_the_pull_command()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));

        var error = await Assert.ThrowsAsync<ModelCallException>(() => factory.Create(StageName.Build)
            .GetResponseAsync(StageTestKit.Context(StageName.Build), Hello, null, CancellationToken.None));

        Assert.Contains($"ollama pull {StageTestKit.BuildModel}", error.Message);
        Assert.Single(server.ChatRequests);
    }

    [Fact]
    public async Task A_stopped_server_fails_the_call_naming_the_url_and_ollama_serve()
    {
        var server = await FakeOllamaServer.StartAsync();
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server, o => o.Stages.Build.TransportRetries = 1));
        await server.StopAsync();
        var context = StageTestKit.Context(StageName.Build);

        var error = await Assert.ThrowsAsync<ModelCallException>(
            () => factory.Create(StageName.Build).GetResponseAsync(context, Hello, null, CancellationToken.None));

        Assert.Contains(server.BaseUri.ToString(), error.Message);
        Assert.Contains("ollama serve", error.Message);
        Assert.Equal(1, context.Usage.Retries);
    }

    [Fact]
    public async Task A_call_whose_worst_case_crosses_the_budget_is_never_sent()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text("{}"));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        var context = StageTestKit.Context(StageName.Build, budget: new RequestBudget(maxTokens: 1000));

        await Assert.ThrowsAsync<BudgetExceededException>(
            () => factory.Create(StageName.Build).GetResponseAsync(context, Hello, null, CancellationToken.None));

        Assert.Empty(server.ChatRequests);
    }

    [Fact]
    public async Task A_priced_model_charges_the_price_table_cost()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text("{}", promptEvalCount: 1000, evalCount: 500));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server, o =>
            o.Prices.Add(new ModelPrice { Model = StageTestKit.BuildModel, InputPer1K = 0.01m, OutputPer1K = 0.03m })));
        var context = StageTestKit.Context(StageName.Build);

        await factory.Create(StageName.Build).GetResponseAsync(context, Hello, null, CancellationToken.None);

        Assert.Equal(0.025m, context.Usage.Cost);
        Assert.Equal(0.025m, context.Budget.CostSpent);
    }

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 2000)]
    [InlineData(3, 4000)]
    [InlineData(10, 30000)]
    public void Backoff_doubles_from_the_first_delay_up_to_thirty_seconds(int retry, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), StageChat.Backoff(TimeSpan.FromSeconds(1), retry));
    }

    [Fact]
    public void Review_on_the_build_model_is_warned_about()
    {
        var options = new ModelOptions();
        options.Stages.Review.Model = options.Stages.Build.Model;

        var warning = Assert.Single(options.Validate());

        Assert.Contains("Factory:Stages:Review:Model", warning);
    }

    [Fact]
    public void The_default_stages_follow_the_pipelines_temperatures()
    {
        var stages = new ModelOptions().Stages;

        Assert.True(stages.Plan.Temperature >= 0.5f);
        Assert.Equal(0.2f, stages.Scout.Temperature);
        Assert.Equal(0f, stages.Build.Temperature);
        Assert.Equal(0f, stages.Test.Temperature);
        Assert.Equal(0f, stages.Review.Temperature);
        Assert.NotEqual(stages.Build.Model, stages.Review.Model);
    }
}
