using Factory.Dataflow.Chat;
using Factory.Dataflow.Chat.Preflight;
using Factory.Tests.Stages;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Chat;

public class OllamaPreflightTests
{
    [Fact]
    public async Task Preflight_passes_when_every_configured_model_is_installed()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        var options = StageTestKit.Options(server);
        server.Install([.. options.ConfiguredModels()]);

        var report = await OllamaPreflight.CheckAsync(options);

        Assert.Equal("0.9.0-fake", report.Version);
        Assert.Equal(server.BaseUri, report.Endpoint);
        Assert.Contains(server.Requests, r => r.Path == "/api/tags");
        Assert.Empty(server.ChatRequests);
    }

    [Fact]
    public async Task A_missing_model_fails_preflight_with_the_pull_command()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        var options = StageTestKit.Options(server);
        server.Install(StageTestKit.BuildModel, StageTestKit.PlanModel);

        var error = await Assert.ThrowsAsync<OllamaPreflightException>(() => OllamaPreflight.CheckAsync(options));

        Assert.Equal([StageTestKit.ReviewModel], error.MissingModels);
        Assert.Contains($"ollama pull {StageTestKit.ReviewModel}", error.Message);
        Assert.Contains(server.BaseUri.ToString(), error.Message);
        Assert.False(error.Unreachable);
    }

    [Fact]
    public async Task A_model_without_a_tag_matches_its_latest_tag()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Install("llama3:latest");

        var report = await OllamaPreflight.CheckAsync(server.BaseUri, ["llama3"]);

        Assert.Contains("llama3:latest", report.InstalledModels);
    }

    [Fact]
    public async Task A_stopped_server_fails_preflight_naming_the_url_and_how_to_start_ollama()
    {
        var server = await FakeOllamaServer.StartAsync();
        var options = StageTestKit.Options(server);
        await server.StopAsync();

        var error = await Assert.ThrowsAsync<OllamaPreflightException>(() => OllamaPreflight.CheckAsync(options));

        Assert.True(error.Unreachable);
        Assert.Contains($"Cannot reach Ollama at {server.BaseUri}", error.Message);
        Assert.Contains("ollama serve", error.Message);
    }
}
