using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Prompts;
using Factory.Dataflow.Stages.Build;
using Factory.Dataflow.Stages.Review;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Stages;

public class ReviewStageTests
{
    private const string Diff = "diff --git a/app/main.py b/app/main.py\n+@app.get(\"/health\")\n+def health() -> dict[str, str]:\n+    return {\"status\": \"ok\"}\n";

    [Fact]
    public async Task The_review_request_holds_the_diff_and_none_of_builds_prompt_and_goes_to_its_own_model()
    {
        const string feedback = "mypy: error: Missing return statement  [return]";
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.BuildModel, FakeReply.Text("{\"edits\": [{\"path\": \"app/main.py\", \"content\": \"x = 1\\n\"}]}"));
        server.Script(StageTestKit.ReviewModel, FakeReply.Text("{\"verdict\": \"approve\", \"reasons\": [\"GET /health returns ok\"]}"));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace(("app/main.py", "print('secret builder context')\n")) { Diff = Diff };
        var brief = new ScoutBrief(["app/main.py"], ["BRIEF-CONVENTION-MARKER"], ["BRIEF-PRIOR-ART-MARKER"]);
        await new BuildStage(factory.Create(StageName.Build), DelegateSyntaxChecker.AllParse()).ExecuteAsync(
            StageTestKit.Context(StageName.Build, StageTestKit.HealthSpec, brief, workspace, feedback, StageName.Validate), CancellationToken.None);

        var result = await new ReviewStage(factory.Create(StageName.Review)).ExecuteAsync(
            StageTestKit.Context(StageName.Review, StageTestKit.HealthSpec, brief, workspace, feedback, StageName.Validate), CancellationToken.None);

        Assert.True(result.Ok, result.Detail);
        var review = Assert.Single(server.ChatRequestsFor(StageTestKit.ReviewModel));
        Assert.Single(server.ChatRequestsFor(StageTestKit.BuildModel));
        Assert.Equal(0.0, review.Temperature);
        Assert.Equal(2, review.Messages.Count);
        Assert.Contains(Diff.TrimEnd(), review.AllText);
        Assert.Contains(StageTestKit.HealthSpec.AcceptanceCriteria[0], review.AllText);
        var buildPrompt = PromptLibrary.Get("build");
        Assert.DoesNotContain(buildPrompt.Split('\n')[0], review.AllText);
        Assert.DoesNotContain("BRIEF-CONVENTION-MARKER", review.AllText);
        Assert.DoesNotContain("BRIEF-PRIOR-ART-MARKER", review.AllText);
        Assert.DoesNotContain(feedback, review.AllText);
        Assert.DoesNotContain("secret builder context", review.AllText);
        var verdict = Assert.IsType<ReviewVerdict>(result.Output);
        Assert.True(verdict.Approved);
    }

    [Fact]
    public async Task A_reject_fails_with_the_reasons_and_a_rejecting_verdict()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.ReviewModel, FakeReply.Text("{\"verdict\": \"reject\", \"reasons\": [\"adds an unrequested /version route\", \"out of scope\"]}"));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace { Diff = Diff };
        var context = StageTestKit.Context(StageName.Review, StageTestKit.HealthSpec, workspace: workspace);

        var result = await new ReviewStage(factory.Create(StageName.Review)).ExecuteAsync(context, CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal("adds an unrequested /version route; out of scope", result.Detail);
        var verdict = Assert.IsType<ReviewVerdict>(result.Output);
        Assert.False(verdict.Approved);
        Assert.Equal("reject", context.Usage.Extras["verdict"]);
        Assert.Equal(verdict.Reasons, context.Usage.Extras["reasons"]);
    }

    [Theory]
    [InlineData("{\"verdict\": \"looks good to me\", \"reasons\": []}")]
    [InlineData("Approve! Ship it.")]
    [InlineData("{\"reasons\": [\"fine\"]}")]
    public async Task A_malformed_review_is_a_failure_without_a_verdict_never_an_approval(string reply)
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.ReviewModel, FakeReply.Text(reply), FakeReply.Text(reply));
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace { Diff = Diff };
        var context = StageTestKit.Context(StageName.Review, StageTestKit.HealthSpec, workspace: workspace);

        var result = await new ReviewStage(factory.Create(StageName.Review)).ExecuteAsync(context, CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Null(result.Output);
        Assert.StartsWith("REVIEW's reply could not be read after one repair attempt", result.Detail);
        Assert.Equal(1, context.Usage.Retries);
    }

    [Fact]
    public async Task An_empty_diff_is_rejected_without_asking_a_model()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var factory = StageChatFactory.ForOllama(StageTestKit.Options(server));
        await using var workspace = new TempFolderWorkspace();

        var result = await new ReviewStage(factory.Create(StageName.Review)).ExecuteAsync(
            StageTestKit.Context(StageName.Review, StageTestKit.HealthSpec, workspace: workspace), CancellationToken.None);

        Assert.False(result.Ok);
        Assert.False(Assert.IsType<ReviewVerdict>(result.Output).Approved);
        Assert.Empty(server.ChatRequests);
    }
}
