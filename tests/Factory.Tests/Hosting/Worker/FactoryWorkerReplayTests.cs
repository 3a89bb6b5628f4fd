using System.Threading.Channels;
using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Chat.Cassettes;
using Factory.Dataflow.Composition;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Hosting.Worker;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;
using Factory.Tests.Samples;
using Factory.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Factory.Tests.Hosting.Worker;

public sealed class FactoryWorkerReplayTests
{
    [Fact]
    public async Task A_host_built_with_the_DI_extension_runs_a_request_end_to_end_on_replayed_replies()
    {
        using var repo = SampleRepo.Create();
        var requests = Channel.CreateUnbounded<FeatureRequest>();
        var outcomes = Channel.CreateUnbounded<FeatureOutcome>();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(new ModelOptions());
        builder.Services.AddSingleton(sp => new StageChatFactory(sp.GetRequiredService<ModelOptions>(), new ReplayChatClient(SampleCassetteTests.CassettePath)));
        builder.Services.AddSingleton(sp => new FactoryPipelineBuilder()
            .UseStandardStages(
                sp.GetRequiredService<StageChatFactory>(),
                sp.GetRequiredService<ModelOptions>(),
                new SandboxedRunner(new SandboxOptions()),
                new GateOptions { MypyCacheDirectory = Path.Combine(repo.StatePath, "mypy") })
            .UseWorkspace(new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = repo.CheckoutPath, StateDirectory = repo.StatePath }))
            .Configure(o => o.RunsDirectory = repo.RunsPath)
            .Build());
        builder.Services.AddFactoryWorker(requests.Reader, outcomes.Writer);
        using var host = builder.Build();

        await host.StartAsync();
        await requests.Writer.WriteAsync(FeatureRequest.FromText(SampleReplies.HealthRequest));
        var outcome = await outcomes.Reader.ReadAsync().AsTask().Within(600);
        await host.StopAsync().Within();

        Assert.True(outcome.IsApproved, $"{outcome.StatusName} at {outcome.FailedStage}: {outcome.Reason}");
        Assert.Equal($"factory/{outcome.Request.Id}", outcome.Branch);
        Assert.Contains("health", repo.Git("show", $"{outcome.Branch}:app/main.py"));
        Assert.All(outcome.Stages.Where(s => s.Model is not null), s => Assert.Contains("@replay:replies.cassette.json", s.ServedBy));
        Assert.True(File.Exists(Path.Combine(outcome.RunDirectory!, "trace.jsonl")));
    }
}
