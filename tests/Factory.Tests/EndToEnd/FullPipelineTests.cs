using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Composition;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.EndToEnd;

/// <summary>
/// The whole graph with the real stages: HTTP to an Ollama-compatible server on loopback, real git worktrees, real
/// ruff, mypy and pytest in the sandbox. Only the model's answers are scripted.
/// </summary>
public sealed class FullPipelineTests
{
    [Fact]
    public async Task A_mypy_failure_is_fixed_on_the_second_build_and_an_unrequested_route_is_rejected_by_review()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(server);
        using var repo = SampleRepo.Create();
        var checkoutBefore = repo.Snapshot();
        var models = ScriptedModels.Options(server);
        using var chats = StageChatFactory.ForOllama(models);
        var gates = new GateOptions { MypyCacheDirectory = Path.Combine(repo.StatePath, "mypy") };
        var workspaces = new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = repo.CheckoutPath, StateDirectory = repo.StatePath });

        await using var pipeline = new FactoryPipelineBuilder()
            .UseStandardStages(chats, models, new SandboxedRunner(new SandboxOptions()), gates)
            .UseWorkspace(workspaces)
            .Configure(o => o.RunsDirectory = repo.RunsPath)
            .Build();

        var health = pipeline.RunAsync(new FeatureRequest("health", ScriptedModels.HealthRequest));
        var ping = pipeline.RunAsync(new FeatureRequest("ping", ScriptedModels.PingRequest));
        var approved = await health.Within(600);
        var rejected = await ping.Within(600);

        // The first request: BUILD, VALIDATE fails on mypy, BUILD again with mypy's words, then every gate and REVIEW pass.
        Assert.True(approved.Status == OutcomeStatus.Approved, approved.Reason);
        Assert.Equal(2, approved.BuildAttempts);
        var trace = TraceFile.Read(approved.RunDirectory!);
        Assert.Equal(["plan", "scout", "build", "validate", "build", "validate", "test", "review", "pipeline"], TraceFile.Stages(trace));
        Assert.Equal(2, trace[^1].GetProperty("build_attempts").GetInt32());
        var mypyText = trace[3].GetProperty("detail").GetString()!;
        Assert.Contains("Incompatible return value type", mypyText, StringComparison.Ordinal);
        var builds = server.ChatRequestsFor(ScriptedModels.Build).Where(r => r.AllText.Contains("/health", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, builds.Count);
        Assert.DoesNotContain("Incompatible return value type", builds[0].AllText, StringComparison.Ordinal);
        // The failing tool's section reaches BUILD exactly as printed; the passing one is reduced to a line.
        var mypySection = mypyText[mypyText.IndexOf("--- mypy", StringComparison.Ordinal)..].Trim();
        Assert.Contains(mypySection, builds[1].AllText, StringComparison.Ordinal);
        Assert.Contains("--- ruff check . passed ---", builds[1].AllText, StringComparison.Ordinal);
        Assert.All(builds, b => Assert.Equal(0, b.Temperature));

        Assert.Equal("factory/health", approved.Branch);
        var committed = repo.Git("show", "--format=%s", "factory/health");
        Assert.StartsWith("Add a /health endpoint", committed, StringComparison.Ordinal);
        Assert.Contains("+@app.get(\"/health\")", committed, StringComparison.Ordinal);
        Assert.Contains("tests/test_health.py", committed, StringComparison.Ordinal);
        Assert.Equal("1", repo.Git("rev-list", "--count", "HEAD..factory/health").Trim());

        // The second request passes every gate, but REVIEW sees the extra route in the diff and rejects it.
        Assert.Equal(OutcomeStatus.Rejected, rejected.Status);
        Assert.Contains("GET /version", rejected.Reason, StringComparison.Ordinal);
        Assert.Null(rejected.Branch);
        Assert.Empty(repo.Git("branch", "--list", "factory/ping").Trim());
        Assert.Contains("/version", File.ReadAllText(Path.Combine(rejected.RunDirectory!, "failed.diff")), StringComparison.Ordinal);

        // REVIEW ran on its own model and saw the spec and the diff, none of BUILD's prompt or feedback.
        var review = Assert.Single(server.ChatRequestsFor(ScriptedModels.Review), r => r.AllText.Contains("/ping", StringComparison.Ordinal));
        Assert.Contains("+@app.get(\"/version\")", review.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(builds[0].Messages[0].Content, review.AllText, StringComparison.Ordinal);

        // Nothing left behind: no extra worktree, and the user's checkout is exactly as it was.
        Assert.Single(repo.Git("worktree", "list").Trim().Split('\n'));
        Assert.Equal(checkoutBefore, repo.Snapshot());
    }
}
