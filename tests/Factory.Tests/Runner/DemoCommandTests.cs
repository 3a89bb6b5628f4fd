using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Runner;

[Collection(RunnerGroup.Name)]
public sealed class DemoCommandTests(RunnerProcess runner)
{
    /// <summary>Set to a path to keep the cassette recorded by the live demo (how samples/demo/cassette.json is made).</summary>
    private const string KeepCassetteVariable = "FACTORY_KEEP_DEMO_CASSETTE";

    /// <summary>The demo keeps its temporary repository for the user to inspect; a test has nothing to inspect.</summary>
    private static void DeleteDemoFolder(RunResult result)
    {
        var match = System.Text.RegularExpressions.Regex.Match(result.Output, @"The sample app is in (\S+)/targetapp ");
        if (match.Success && Path.GetFileName(match.Groups[1].Value).StartsWith("factory-demo-", StringComparison.Ordinal))
        {
            Directory.Delete(match.Groups[1].Value, recursive: true);
        }
    }

    [Fact]
    public async Task The_demo_replays_recorded_replies_says_so_and_ends_with_one_approved_and_one_rejected_request()
    {
        var result = await runner.RunAsync(null, "demo");
        DeleteDemoFolder(result);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("REPLAY: no model server is used", result.Output);
        Assert.Contains("@replay:cassette.json", result.Output);
        Assert.Contains("Demo complete", result.Output);
        Assert.Contains("Most BUILD attempts: demo-version with 2 (approved).", result.Output);
        Assert.Contains("| rejected | 1 |", result.Output);
    }

    [Fact]
    public async Task The_live_demo_against_a_model_server_records_a_cassette_that_the_replay_can_use()
    {
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama);
        using var folder = new TempDirectory();
        var cassette = Path.Combine(folder.Path, "cassette.json");

        var live = await runner.RunAsync(null, "demo", "--ollama", ollama.BaseUri.ToString(), "--record", cassette);
        DeleteDemoFolder(live);

        Assert.True(live.ExitCode == 0, live.ToString());
        Assert.Contains("LIVE: the model replies come from the Ollama server", live.Output);
        Assert.Contains("Demo complete", live.Output);
        Assert.Contains("\"served_by\"", await File.ReadAllTextAsync(cassette));
        if (Environment.GetEnvironmentVariable(KeepCassetteVariable) is { Length: > 0 } keep)
        {
            File.Copy(cassette, keep, overwrite: true);
        }
    }
}
