using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Chat.Cassettes;
using Factory.Dataflow.Composition;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Samples;

/// <summary>
/// The samples replay <c>samples/Factory.Samples/Cassettes/replies.cassette.json</c>. This test records the same run
/// again (the standard stages and real gates against the fake Ollama server, scripted by <see cref="SampleReplies"/>)
/// and checks the cassette still answers every call the stages make today. Set FACTORY_RECORD_SAMPLES=1 to rewrite the
/// committed cassette from this recording (after a prompt changes).
/// </summary>
public sealed class SampleCassetteTests
{
    public static string CassettePath =>
        Path.Combine(SampleRepo.RepositoryRoot(), "samples", "Factory.Samples", "Cassettes", "replies.cassette.json");

    [Fact]
    public async Task The_samples_cassette_answers_every_call_the_standard_stages_make_today()
    {
        using var scratch = new TempDirectory("factory-record");
        var recorded = Path.Combine(scratch.Path, "recorded.json");
        using var repo = SampleRepo.Create();
        await using var server = await FakeOllamaServer.StartAsync();
        var models = new ModelOptions { Ollama = { BaseUrl = server.BaseUri.ToString() } };

        var outcomes = new List<FeatureOutcome>();
        using (var chats = StageChatFactory.ForOllama(models, b => b.UseRecording(recorded)))
        {
            await using var pipeline = new FactoryPipelineBuilder()
                .UseStandardStages(chats, models, new SandboxedRunner(new SandboxOptions()), new GateOptions { MypyCacheDirectory = Path.Combine(repo.StatePath, "mypy") })
                .UseWorkspace(new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = repo.CheckoutPath, StateDirectory = repo.StatePath }))
                .Build();

            // One after the other, so each model's scripted replies are used in a known order.
            SampleReplies.ScriptHealth(server);
            outcomes.Add(await pipeline.RunAsync(FeatureRequest.FromText(SampleReplies.HealthRequest)).Within(600));
            SampleReplies.ScriptVersion(server);
            outcomes.Add(await pipeline.RunAsync(FeatureRequest.FromText(SampleReplies.VersionRequest)).Within(600));
        }

        Assert.All(outcomes, o => Assert.True(o.IsApproved, $"{o.Request.Id}: {o.StatusName} at {o.FailedStage}: {o.Reason}"));
        if (Environment.GetEnvironmentVariable("FACTORY_RECORD_SAMPLES") == "1")
        {
            File.Copy(recorded, CassettePath, overwrite: true);
        }

        Assert.True(File.Exists(CassettePath), $"No samples cassette at {CassettePath}; record it with FACTORY_RECORD_SAMPLES=1.");
        Assert.Equal(Keys(recorded), Keys(CassettePath));
    }

    /// <summary>
    /// The replay keys, with tool-call ids renamed by order of appearance: OllamaSharp makes up a random id for each
    /// tool call, so two recordings differ there. A replay is unaffected (it hands back the recorded id, which the
    /// next request then carries), so the ids are not part of what this test compares.
    /// </summary>
    private static List<string> Keys(string cassette) =>
        [.. CassetteCodec.Load(cassette).Entries.Select(e => CassetteCodec.Key(WithStableCallIds(e.Request))).Order(StringComparer.Ordinal)];

    private static CassetteRequest WithStableCallIds(CassetteRequest request)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in request.Messages.SelectMany(m => m.Parts).Where(p => p.CallId is not null))
        {
            if (!names.TryGetValue(part.CallId!, out var name))
            {
                names[part.CallId!] = name = $"call-{names.Count + 1}";
            }

            part.CallId = name;
        }

        return request;
    }
}
