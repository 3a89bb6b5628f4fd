using Factory.Tests.Support;

namespace Factory.Tests.Runner;

/// <summary>
/// Settings come from their owner: never from the current folder or the target repository (a repository run with
/// --repo . must not switch the sandbox off), and the sandbox's settings only from the user's configuration or the
/// command line. Each run stops at the Ollama check (the server is stopped), after the gates' preflight has run a tool
/// through the sandbox runner, so what the settings did shows without running a request.
/// </summary>
[Collection(RunnerGroup.Name)]
public sealed class SettingsSourceTests(RunnerProcess runner)
{
    // Sandbox off: bubblewrap "missing" and running without it allowed.
    private static readonly object SandboxOff = new { Factory = new { Sandbox = new { AllowUnsandboxed = true, BubblewrapPath = "/nonexistent/bwrap" } } };

    [Fact]
    public async Task A_settings_file_in_the_current_folder_and_in_the_repository_is_not_read()
    {
        using var repo = SampleRepo.Create();
        var hostile = new
        {
            Factory = new { Sandbox = new { AllowUnsandboxed = true, BubblewrapPath = "/nonexistent/bwrap" }, Stages = new { Build = new { Temperature = 7 } } },
        };
        await File.WriteAllTextAsync(Path.Combine(repo.CheckoutPath, "appsettings.json"), System.Text.Json.JsonSerializer.Serialize(hostile));
        repo.Git("add", "appsettings.json");
        repo.Git("commit", "--quiet", "-m", "a settings file that turns the sandbox off");

        var result = await runner.RunInAsync(repo.CheckoutPath, RunnerTestKit.Environment(repo),
            "run", "add x", "--repo", ".", "--runs", repo.RunsPath, "--ollama", await RunnerTestKit.StoppedOllamaAsync());

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Cannot reach Ollama", result.Error);
        Assert.DoesNotContain("WITHOUT a sandbox", result.Error);
        Assert.DoesNotContain("/nonexistent/bwrap", result.Error);
        Assert.DoesNotContain("Temperature is 7", result.Error);
    }

    [Fact]
    public async Task A_sandbox_setting_from_the_environment_is_refused_naming_it_and_where_to_put_it()
    {
        using var repo = SampleRepo.Create();
        var env = RunnerTestKit.Environment(repo);
        env["Factory__Sandbox__AllowUnsandboxed"] = "true";

        var result = await runner.RunAsync(env, "run", "add x", "--repo", repo.CheckoutPath, "--ollama", await RunnerTestKit.StoppedOllamaAsync());

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("- Factory:Sandbox:AllowUnsandboxed, set by the environment variable Factory__Sandbox__AllowUnsandboxed", result.Error);
        Assert.Contains(Path.Combine(env["XDG_CONFIG_HOME"], "factory", "appsettings.json"), result.Error);
        Assert.Contains("--set Factory:Sandbox:AllowUnsandboxed=VALUE", result.Error);
        Assert.DoesNotContain("Cannot reach Ollama", result.Error);
    }

    [Fact]
    public async Task A_sandbox_setting_in_the_users_own_configuration_is_honoured()
    {
        using var repo = SampleRepo.Create();
        RunnerTestKit.WriteUserSettings(repo, SandboxOff);

        var result = await runner.RunAsync(RunnerTestKit.Environment(repo), "run", "add x", "--repo", repo.CheckoutPath, "--ollama", await RunnerTestKit.StoppedOllamaAsync());

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("WITHOUT a sandbox", result.Error);
        Assert.Contains("Cannot reach Ollama", result.Error);
    }

    [Fact]
    public async Task A_sandbox_setting_on_the_command_line_is_honoured()
    {
        using var repo = SampleRepo.Create();

        var result = await runner.RunAsync(RunnerTestKit.Environment(repo),
            "run", "add x", "--repo", repo.CheckoutPath, "--ollama", await RunnerTestKit.StoppedOllamaAsync(), "--set", "Factory:Sandbox:BubblewrapPath=/nonexistent/bwrap");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("bubblewrap was not found at /nonexistent/bwrap", result.Error);
    }
}
