using System.Text.Json;
using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Reporting;
using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.EndToEnd;

/// <summary>
/// A change inside a 50 KB module, through the whole graph with the real stages and gates: BUILD sees the cited region with
/// line numbers, answers with a search/replace edit, is sent back by mypy, fixes its own line from the region it changed,
/// and the request is approved. Only the model's answers are scripted (on the loopback Ollama-compatible server).
/// </summary>
public sealed class LargeModuleTests(Xunit.Abstractions.ITestOutputHelper output)
{
    // One model per stage, as in the other end-to-end run, so each stage's traffic is separable.
    private const string Plan = ScriptedModels.Plan;
    private const string Scout = ScriptedModels.Scout;
    private const string Build = ScriptedModels.Build;
    private const string Test = ScriptedModels.Test;
    private const string Review = ScriptedModels.Review;

    private const string RootRoute = "@app.get(\"/\")\ndef root() -> dict[str, str]:\n    return {\"service\": \"targetapp\"}\n";
    private const string HealthRoute = "\n\n@app.get(\"/health\")\ndef health() -> dict[str, str]:\n    return {\"status\": \"ok\"}\n";

    [Fact]
    public async Task A_search_replace_edit_in_a_50_KB_module_is_approved_and_the_retry_prompt_is_smaller_than_the_module()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        Script(server);
        using var repo = SampleRepo.Create();
        var module = LargeModule.Content();
        File.WriteAllText(Path.Combine(repo.CheckoutPath, LargeModule.Path), module);
        File.WriteAllText(Path.Combine(repo.CheckoutPath, LargeModule.TestPath), LargeModule.Test);
        repo.Git("add", "--all");
        repo.Git("commit", "--quiet", "-m", "a 50 KB module");
        var models = new ModelOptions { Ollama = { BaseUrl = server.BaseUri.ToString() } };
        (models.Stages.Plan.Model, models.Stages.Scout.Model, models.Stages.Build.Model, models.Stages.Test.Model, models.Stages.Review.Model) =
            (Plan, Scout, Build, Test, Review);
        using var chats = StageChatFactory.ForOllama(models);
        await using var pipeline = RealPipeline.Build(chats, models, repo);

        var outcome = await pipeline.RunAsync(new FeatureRequest("health", "add a /health endpoint returning status ok")).Within(600);

        Assert.True(outcome.Status == OutcomeStatus.Approved, $"{outcome.StatusName} at {outcome.FailedStage}: {outcome.Reason}");
        Assert.Equal(2, outcome.BuildAttempts);
        var committed = repo.Git("show", $"factory/health:{LargeModule.Path}");
        Assert.Equal(module.Replace(RootRoute, RootRoute + HealthRoute, StringComparison.Ordinal), committed);

        // BUILD's first prompt: the cited region with line numbers and an outline, never a refusal to show the file.
        var builds = server.ChatRequestsFor(Build);
        Assert.Equal(2, builds.Count);
        Assert.DoesNotContain("too long to quote", builds[0].AllText, StringComparison.Ordinal);
        Assert.Contains("   7| def root() -> dict[str, str]:", builds[0].AllText, StringComparison.Ordinal);
        Assert.Contains("OUTLINE OF app/main.py", builds[0].AllText, StringComparison.Ordinal);

        // The retry carries the region BUILD changed, as it is now, and mypy's finding; not the module again.
        Assert.Contains("WHAT THIS REQUEST HAS CHANGED SO FAR", builds[1].AllText, StringComparison.Ordinal);
        Assert.Contains("|     return 200", builds[1].AllText, StringComparison.Ordinal);
        Assert.Contains("Incompatible return value type", builds[1].AllText, StringComparison.Ordinal);
        var trace = TraceFile.Read(outcome.RunDirectory!).Where(e => e.GetProperty("stage").GetString() == "build").ToList();
        var promptBytes = trace.Select(e => e.GetProperty("prompt_bytes").GetInt64()).ToList();
        Assert.Equal(2, promptBytes.Count);
        output.WriteLine($"BUILD prompt bytes: attempt 1 {promptBytes[0]}, attempt 2 {promptBytes[1]}; the module is {module.Length} characters");
        Assert.True(promptBytes[1] < module.Length, $"BUILD's retry prompt ({promptBytes[1]} bytes) should be smaller than resending the changed module whole ({module.Length})");
        Assert.Equal([1, 1], trace.Select(e => e.GetProperty("search_replace_edits").GetInt32()));

        var report = RunReportBuilder.FromDirectory(repo.RunsPath);
        Assert.Equal([1, 2], report.BuildPromptBytes.Select(p => p.Attempt));
        Assert.Equal(promptBytes[1], report.BuildPromptBytes[1].MaxBytes);
    }

    private static void Script(FakeOllamaServer server)
    {
        server.Respond(Plan, _ => Json(new
        {
            title = "Add a /health endpoint",
            acceptance_criteria = new[] { "GET /health returns {\"status\": \"ok\"}" },
            out_of_scope = new[] { "other routes" },
            constraints = new[] { "no new dependencies" },
        }));
        server.Respond(Scout, _ => Json(new
        {
            files = new[] { LargeModule.Path },
            regions = new[] { "app/main.py:6-8" },
            conventions = new[] { "routes are plain functions returning dict[str, str]" },
            prior_art = new[] { "root() in app/main.py" },
        }));
        server.Respond(Build, request => request.AllText.Contains("Incompatible return value type", StringComparison.Ordinal)
            ? Edits(new { path = LargeModule.Path, search = "    return 200\n", replace = "    return {\"status\": \"ok\"}\n" })
            : Edits(new { path = LargeModule.Path, search = RootRoute, replace = RootRoute + HealthRoute.Replace("return {\"status\": \"ok\"}", "return 200", StringComparison.Ordinal) }));
        server.Respond(Test, _ => Json(new
        {
            path = "tests/test_health.py",
            content = "from fastapi.testclient import TestClient\n\nfrom app.main import app\n\nclient = TestClient(app)\n\n\ndef test_health() -> None:\n" +
                "    response = client.get(\"/health\")\n    assert response.status_code == 200\n    assert response.json() == {\"status\": \"ok\"}\n",
        }));
        server.Respond(Review, _ => Json(new { verdict = "approve", reasons = new[] { "GET /health returns {\"status\": \"ok\"}, with a test" } }));
    }

    private static FakeReply Edits(object edit) => Json(new { edits = new[] { edit } });

    private static FakeReply Json(object value) => FakeReply.Text(JsonSerializer.Serialize(value), promptEvalCount: 400, evalCount: 120);
}
