using Factory.Dataflow.Gates;
using Factory.Tests.Runner;
using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Toolchains;

/// <summary><c>factory run</c> on a repository whose gate configuration names a toolchain nobody registered.</summary>
[Collection(RunnerGroup.Name)]
public sealed class ToolchainRunTests(RunnerProcess runner)
{
    [Fact]
    public async Task A_run_whose_configuration_names_an_unregistered_toolchain_stops_with_exit_2_before_any_model_call()
    {
        using var repo = SampleRepo.Create();
        var path = Path.Combine(repo.CheckoutPath, GateConfig.RelativePath);
        File.WriteAllText(path, File.ReadAllText(path).Replace("{", "{\n  \"toolchain\": \"rust\",", StringComparison.Ordinal));
        repo.Git("commit", "--quiet", "-am", "a rust toolchain");
        await using var ollama = await FakeOllamaServer.StartAsync();
        ScriptedModels.Install(ollama);

        var result = await RunnerTestKit.RunHealthAsync(runner, RunnerTestKit.Environment(repo), repo, ollama);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("toolchain \"rust\" is not registered; the registered toolchains are \"python\"", result.Error);
        Assert.Empty(ollama.ChatRequests);
        Assert.Empty(RunnerTestKit.FactoryBranches(repo));
    }
}
