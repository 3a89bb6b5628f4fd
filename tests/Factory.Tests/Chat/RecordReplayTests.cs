using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Chat.Cassettes;
using Factory.Dataflow.Stages.Plan;
using Factory.Dataflow.Stages.Scout;
using Factory.Tests.Stages;
using Factory.Tests.Support.FakeOllama;
using Microsoft.Extensions.AI;

namespace Factory.Tests.Chat;

public sealed class RecordReplayTests : IDisposable
{
    private readonly string _cassette = Path.Combine(Path.GetTempPath(), $"factory-cassette-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_cassette);

    [Fact]
    public async Task A_recorded_run_replays_without_a_server_and_says_it_is_a_replay()
    {
        const string spec = "{\"title\": \"Add /health\", \"acceptance_criteria\": [\"GET /health is ok\"]}";
        var server = await FakeOllamaServer.StartAsync();
        server.Script(StageTestKit.PlanModel, FakeReply.Text("not json"), FakeReply.Text(spec, promptEvalCount: 77, evalCount: 11));
        server.Script("qwen2.5:3b",
            FakeReply.Tools(("list_files", "{\"path\": \"app\"}")),
            FakeReply.Text("{\"files\": [\"app/main.py\"], \"conventions\": [], \"prior_art\": []}"));
        var options = StageTestKit.Options(server);
        await using var workspace = new TempFolderWorkspace(("app/main.py", "app = None\n"));
        StageResult recordedPlan, recordedScout;
        using (var live = StageChatFactory.ForOllama(options, b => b.UseRecording(_cassette)))
        {
            recordedPlan = await new PlanStage(live.Create(StageName.Plan)).ExecuteAsync(StageTestKit.Context(StageName.Plan), CancellationToken.None);
            recordedScout = await new ScoutStage(live.Create(StageName.Scout)).ExecuteAsync(
                StageTestKit.Context(StageName.Scout, (Spec)recordedPlan.Output!, workspace: workspace), CancellationToken.None);
        }

        await server.StopAsync();
        using var replay = new StageChatFactory(options, new ReplayChatClient(_cassette));
        var planContext = StageTestKit.Context(StageName.Plan);
        var replayedPlan = await new PlanStage(replay.Create(StageName.Plan)).ExecuteAsync(planContext, CancellationToken.None);
        var scoutContext = StageTestKit.Context(StageName.Scout, (Spec)replayedPlan.Output!, workspace: workspace);
        var replayedScout = await new ScoutStage(replay.Create(StageName.Scout)).ExecuteAsync(scoutContext, CancellationToken.None);

        Assert.True(recordedPlan.Ok && recordedScout.Ok, recordedPlan.Detail + recordedScout.Detail);
        Assert.Equal(recordedPlan.Detail, replayedPlan.Detail);
        Assert.Equal(recordedScout.Detail, replayedScout.Detail);
        Assert.Equal(1, planContext.Usage.Retries);
        Assert.Equal(100 + 77, planContext.Usage.TokensIn);
        Assert.Equal($"{StageTestKit.PlanModel}@replay:{Path.GetFileName(_cassette)}", planContext.Usage.ServedBy);
        Assert.StartsWith("qwen2.5:3b@replay:", scoutContext.Usage.ServedBy);
    }

    [Fact]
    public async Task A_request_that_was_never_recorded_fails_instead_of_making_up_a_reply()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        server.Script("m", FakeReply.Text("recorded"));
        using (var http = new HttpClient { BaseAddress = server.BaseUri })
        {
            using var recorder = new ChatClientBuilder(new OllamaSharp.OllamaApiClient(http, "m")).UseRecording(_cassette).Build();
            await recorder.GetResponseAsync([new ChatMessage(ChatRole.User, "question one")]);
        }

        using var replay = new ReplayChatClient(_cassette);

        Assert.Equal("recorded", (await replay.GetResponseAsync([new ChatMessage(ChatRole.User, "question one")])).Text);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => replay.GetResponseAsync([new ChatMessage(ChatRole.User, "question two")]));
        Assert.Contains("no (more) recorded replies", error.Message);
    }
}
