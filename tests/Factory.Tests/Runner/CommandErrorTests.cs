using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Runner;

[Collection(RunnerGroup.Name)]
public sealed class CommandErrorTests(RunnerProcess runner)
{
    [Fact]
    public async Task A_folder_that_is_not_a_git_repository_is_an_environment_error_that_says_what_to_do()
    {
        using var folder = new TempDirectory();
        using var repo = SampleRepo.Create();
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama);

        var result = await runner.RunAsync(RunnerTestKit.Environment(repo), "run", "add x", "--repo", folder.Path, "--ollama", ollama.BaseUri.ToString());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not inside a git checkout", result.Error);
        Assert.Contains("git init", result.Error);
    }

    [Fact]
    public async Task A_missing_gate_tool_is_an_environment_error_that_says_how_to_install_it()
    {
        using var repo = SampleRepo.Create();
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama);
        RunnerTestKit.WriteUserSettings(repo, new { Factory = new { Sandbox = new { SearchPath = "/nonexistent" } } });

        var result = await runner.RunAsync(RunnerTestKit.Environment(repo), "run", "add x", "--repo", repo.CheckoutPath, "--ollama", ollama.BaseUri.ToString());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("A gate tool is missing", result.Error);
        Assert.Contains("scripts/setup-gates.sh", result.Error);
    }

    [Fact]
    public async Task An_unreachable_ollama_is_an_environment_error_and_no_request_starts()
    {
        using var repo = SampleRepo.Create();
        var url = await RunnerTestKit.StoppedOllamaAsync();

        var result = await runner.RunAsync(RunnerTestKit.Environment(repo), "run", "add x", "--repo", repo.CheckoutPath, "--runs", repo.RunsPath, "--ollama", url);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ollama serve", result.Error);
        Assert.Empty(Directory.EnumerateDirectories(repo.RunsPath));
    }

    [Fact]
    public async Task A_model_that_is_not_pulled_is_an_environment_error_naming_the_pull_command()
    {
        using var repo = SampleRepo.Create();
        await using var ollama = await FakeOllamaServer.StartAsync();
        ollama.Install(ScriptedModels.General);

        var result = await runner.RunAsync(RunnerTestKit.Environment(repo), "run", "add x", "--repo", repo.CheckoutPath, "--ollama", ollama.BaseUri.ToString());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"ollama pull {ScriptedModels.Coder}", result.Error);
    }

    [Fact]
    public async Task An_unreadable_backlog_is_an_environment_error()
    {
        using var repo = SampleRepo.Create();

        var result = await runner.RunAsync(RunnerTestKit.Environment(repo),
            "batch", Path.Combine(repo.RunsPath, "missing.txt"), "--repo", repo.CheckoutPath, "--runs", repo.RunsPath);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot be read", result.Error);
    }

    [Theory]
    [InlineData("--max-tokens", "0", "--max-tokens must be positive")]
    [InlineData("--max-cost", "-1", "--max-cost must be positive")]
    [InlineData("--max-tokens", "lots", "lots")]
    [InlineData("--bogus", "1", "--bogus")]
    public async Task An_invalid_option_is_a_usage_error_naming_it(string option, string value, string message)
    {
        using var repo = SampleRepo.Create();

        var result = await runner.RunAsync(RunnerTestKit.Environment(repo),
            "batch", "backlog.txt", "--repo", repo.CheckoutPath, "--runs", repo.RunsPath, option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public async Task An_invalid_setting_in_the_environment_is_reported_by_its_key()
    {
        using var repo = SampleRepo.Create();
        var env = RunnerTestKit.Environment(repo);
        env["Factory__Stages__Build__Temperature"] = "7";

        var result = await runner.RunAsync(env, "run", "add x", "--repo", repo.CheckoutPath);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Factory:Stages:Build:Temperature is 7", result.Error);
    }

    [Fact]
    public async Task A_missing_required_option_is_a_usage_error()
    {
        var result = await runner.RunAsync(null, "run", "add x");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--repo", result.Error);
    }
}
