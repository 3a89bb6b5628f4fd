using Factory.Dataflow;
using Factory.Dataflow.Budget;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Stages.Build;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Stages;

public class BuildStageTests
{
    private const string MainPy = "from fastapi import FastAPI\napp = FastAPI()\n";
    private const string GoodEdits = "{\"edits\": [{\"path\": \"app/main.py\", \"content\": \"from fastapi import FastAPI\\napp = FastAPI()\\n\\n@app.get('/health')\\ndef health() -> dict[str, str]:\\n    return {'status': 'ok'}\\n\"}]}";
    private static readonly ScoutBrief Brief = new(["app/main.py"], ["routes return dict[str, str]"], ["the root route"]);

    [Fact]
    public async Task Build_runs_at_temperature_zero_and_writes_through_the_jailed_writer()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text(GoodEdits));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace(("app/main.py", MainPy));
        var checker = DelegateSyntaxChecker.AllParse();

        var result = await new BuildStage(factory.Create(StageName.Build), checker)
            .ExecuteAsync(StageTestKit.Context(StageName.Build, StageTestKit.HealthSpec, Brief, workspace), CancellationToken.None);

        Assert.True(result.Ok, result.Detail);
        var sent = Assert.Single(server.ChatRequests);
        Assert.Equal(0.0, sent.Temperature);
        Assert.Equal(StageTestKit.BuildModel, sent.Model);
        Assert.Contains(MainPy.TrimEnd(), sent.AllText);
        var write = Assert.Single(workspace.Writes);
        Assert.Equal(WriterRole.Build, write.Role);
        Assert.Equal(["app/main.py"], Assert.Single(checker.Calls));
        Assert.Contains("/health", File.ReadAllText(Path.Combine(workspace.RootPath, "app/main.py")));
    }

    [Fact]
    public async Task The_second_build_request_carries_the_first_failures_exact_text()
    {
        const string mypyError = "app/main.py:5: error: Incompatible return value type (got \"int\", expected \"dict[str, str]\")  [return-value]\nFound 1 error in 1 file (checked 2 source files)";
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text(GoodEdits), FakeReply.Text(GoodEdits));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace(("app/main.py", MainPy));
        var stage = new BuildStage(factory.Create(StageName.Build), DelegateSyntaxChecker.AllParse());

        await stage.ExecuteAsync(StageTestKit.Context(StageName.Build, StageTestKit.HealthSpec, Brief, workspace), CancellationToken.None);
        await stage.ExecuteAsync(
            StageTestKit.Context(StageName.Build, StageTestKit.HealthSpec, Brief, workspace, mypyError, StageName.Validate, attempt: 2),
            CancellationToken.None);

        Assert.DoesNotContain("PREVIOUS ATTEMPT FAILED", server.ChatRequests[0].AllText);
        Assert.Contains(mypyError, server.ChatRequests[1].AllText);
        Assert.Contains("PREVIOUS ATTEMPT FAILED (VALIDATE)", server.ChatRequests[1].AllText);
    }

    [Fact]
    public async Task A_syntax_error_fails_with_the_parsers_exact_words()
    {
        const string parserSays = "  File \"app/main.py\", line 4\n    def health(\n              ^\nSyntaxError: '(' was never closed";
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text(GoodEdits));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace(("app/main.py", MainPy));

        var result = await new BuildStage(factory.Create(StageName.Build), new DelegateSyntaxChecker(_ => parserSays))
            .ExecuteAsync(StageTestKit.Context(StageName.Build, StageTestKit.HealthSpec, Brief, workspace), CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal(parserSays, result.Detail);
    }

    [Fact]
    public async Task A_refusal_fails_with_the_models_reason_and_writes_nothing()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text("{\"error\": \"the spec does not say which status code to return\"}"));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace(("app/main.py", MainPy));

        var result = await new BuildStage(factory.Create(StageName.Build), DelegateSyntaxChecker.AllParse())
            .ExecuteAsync(StageTestKit.Context(StageName.Build, StageTestKit.HealthSpec, Brief, workspace), CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal("BUILD refused: the spec does not say which status code to return", result.Detail);
        Assert.Empty(workspace.Writes);
    }

    [Fact]
    public async Task A_refused_write_fails_with_the_writers_reason()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text(GoodEdits));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace(("app/main.py", MainPy)) { RefuseWith = "tests/test_main.py is an existing test" };

        var result = await new BuildStage(factory.Create(StageName.Build), DelegateSyntaxChecker.AllParse())
            .ExecuteAsync(StageTestKit.Context(StageName.Build, StageTestKit.HealthSpec, Brief, workspace), CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Contains("tests/test_main.py is an existing test", result.Detail);
    }

    [Fact]
    public async Task With_a_small_budget_and_builds_that_keep_failing_the_call_that_would_cross_it_is_refused()
    {
        const long maxTokens = 20_000;
        await using var server = await FakeOllamaServer.StartAsync();

        // The server's usage figures: about four characters a token, and a long reply every time.
        // Each reply differs, so every attempt writes and reaches the (failing) syntax check.
        var replies = 0;
        server.Respond(StageTestKit.BuildModel, request => FakeReply.Text(
            GoodEdits.Replace("/health", $"/health{Interlocked.Increment(ref replies)}", StringComparison.Ordinal),
            promptEvalCount: request.AllText.Length / 4,
            evalCount: 400));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server, o => o.Stages.Build.MaxOutputTokens = 512));
        await using var workspace = new TempFolderWorkspace(("app/main.py", MainPy));
        var budget = new RequestBudget(maxTokens);
        var stage = new BuildStage(factory.Create(StageName.Build), new DelegateSyntaxChecker(_ => "SyntaxError: invalid syntax (main.py, line 3)"));

        // What the graph does: feed each failure back to BUILD until something stops it.
        string? feedback = null;
        var attempts = 0;
        var error = await Assert.ThrowsAsync<BudgetExceededException>(async () =>
        {
            for (attempts = 1; attempts < 100; attempts++)
            {
                var context = StageTestKit.Context(
                    StageName.Build, StageTestKit.HealthSpec, Brief, workspace, feedback, feedback is null ? null : StageName.Build, budget, attempts);
                var result = await stage.ExecuteAsync(context, CancellationToken.None);
                Assert.False(result.Ok);
                feedback = result.Detail;
            }
        });

        var sent = server.ChatRequests;
        var spentByServer = sent.Sum(r => (long)(r.AllText.Length / 4) + 400);
        Assert.True(sent.Count >= 3, $"only {sent.Count} calls were made before the budget stopped BUILD");
        Assert.Equal(sent.Count, attempts - 1);
        Assert.Equal(spentByServer, budget.TokensSpent);
        Assert.True(budget.TokensSpent <= maxTokens, $"spent {budget.TokensSpent} of {maxTokens}");
        Assert.Equal(budget.TokensSpent, error.TokensSpent);
        Assert.Equal(StageName.Build, error.Stage);
    }
}
