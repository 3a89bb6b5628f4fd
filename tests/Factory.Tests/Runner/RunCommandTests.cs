using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Runner;

[Collection(RunnerGroup.Name)]
public sealed class RunCommandTests(RunnerProcess runner)
{
    [Fact]
    public async Task I_can_run_one_request_and_get_an_approved_branch_a_summary_and_exit_code_0()
    {
        using var repo = SampleRepo.Create();
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama);

        var result = await RunnerTestKit.RunHealthAsync(runner, RunnerTestKit.Environment(repo), repo, ollama);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("outcome: approved", result.Output);
        Assert.Contains("branch: factory/health", result.Output);
        Assert.Contains("[health] PLAN #1 ok", result.Output);
        Assert.Contains("REVIEW", result.Output);
        Assert.Contains("def health()", repo.Git("show", "factory/health:app/main.py"));
        Assert.True(File.Exists(Path.Combine(repo.RunsPath, "health", "trace.jsonl")));
        Assert.Empty(RunnerTestKit.ExtraWorktrees(repo));

        var again = await RunnerTestKit.RunHealthAsync(runner, RunnerTestKit.Environment(repo), repo, ollama);

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("The branch factory/health already exists", again.Error);
        Assert.Contains("git branch -D factory/health", again.Error);
    }

    [Fact]
    public async Task A_request_whose_diff_adds_an_unrequested_route_is_rejected_with_exit_code_1()
    {
        using var repo = SampleRepo.Create();
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama);

        var result = await runner.RunAsync(RunnerTestKit.Environment(repo),
            "run", "add a GET /stats endpoint returning status ok", "--repo", repo.CheckoutPath, "--runs", repo.RunsPath,
            "--ollama", ollama.BaseUri.ToString(), "--id", "stats");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("outcome: rejected", result.Output);
        Assert.Contains("/debug", result.Output);
        Assert.Empty(RunnerTestKit.FactoryBranches(repo));
    }

    [Fact]
    public async Task A_gate_that_cannot_run_on_the_base_commit_exits_2_naming_the_setting_before_any_model_call()
    {
        using var repo = SampleRepo.Create();
        File.WriteAllText(Path.Combine(repo.CheckoutPath, ".factory", "gates.json"), """{ "typeCheck": ["mypy", "service"] }""");
        repo.Git("commit", "--quiet", "--all", "-m", "a type check of a folder the repository does not have");
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama);

        var result = await RunnerTestKit.RunHealthAsync(runner, RunnerTestKit.Environment(repo), repo, ollama);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("outcome: environment_error", result.Output);
        Assert.Contains("mypy: can't read file 'service'", result.Output);
        Assert.Contains("Set \"typeCheck\" in .factory/gates.json", result.Output);
        Assert.Empty(ollama.ChatRequests);
        Assert.Empty(RunnerTestKit.FactoryBranches(repo));
    }
}
