using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Runner;

[Collection(RunnerGroup.Name)]
public sealed class TelemetryExportTests(RunnerProcess runner)
{
    [Fact]
    public async Task The_console_exporter_prints_the_request_and_stage_activities_and_the_stage_metrics()
    {
        using var repo = SampleRepo.Create();
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama);
        var env = RunnerTestKit.Environment(repo);
        env["Factory__Telemetry__Exporters"] = "console";

        var result = await RunnerTestKit.RunHealthAsync(runner, env, repo, ollama);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("factory.request", result.Output);
        Assert.Contains("factory.stage", result.Output);
        Assert.Contains("factory.outcome: approved", result.Output);
        Assert.Contains("factory.stage.duration", result.Output);
    }

    [Fact]
    public async Task Telemetry_is_off_unless_an_exporter_is_named()
    {
        using var repo = SampleRepo.Create();
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama);

        var result = await RunnerTestKit.RunHealthAsync(runner, RunnerTestKit.Environment(repo), repo, ollama);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("factory.stage.duration", result.Output);
    }

    [Fact]
    public async Task An_unknown_exporter_is_an_environment_error_naming_the_choices()
    {
        using var repo = SampleRepo.Create();
        var env = RunnerTestKit.Environment(repo);
        env["Factory__Telemetry__Exporters"] = "zipkin";

        var result = await runner.RunAsync(env, "run", "add x", "--repo", repo.CheckoutPath);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown exporter 'zipkin'", result.Error);
        Assert.Contains("\"console\", \"otlp\"", result.Error);
    }
}
