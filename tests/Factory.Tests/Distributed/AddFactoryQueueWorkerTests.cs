using Factory.Dataflow;
using Factory.Dataflow.Distributed;
using Factory.Dataflow.Hosting.Registration;
using Factory.Nats;
using Factory.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Factory.Tests.Distributed;

[Collection(QueueGroup.Name)]
public sealed class AddFactoryQueueWorkerTests
{
    [Fact(Timeout = 120_000)]
    public async Task A_host_configured_from_Factory_Queue_pulls_a_request_and_pushes_its_outcome()
    {
        await using var nats = await LocalNats.StartAsync();
        using var remote = SharedRemote.Create(fastGates: false);
        var options = QueueHarness.Options(nats, remote, "hosted");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Factory:Queue:Url"] = nats.Url,
            ["Factory:Queue:Remote"] = remote.Path,
            ["Factory:Queue:Name"] = "hosted",
            ["Factory:Queue:StateDirectory"] = options.StateDirectory,
            ["Factory:Queue:AckWait"] = "00:00:03",
            ["Factory:Queue:Heartbeat"] = "00:00:01",
            ["Factory:Queue:PollWait"] = "00:00:01",
            ["Factory:ReplayCassette"] = Path.Combine(SampleRepo.RepositoryRoot(), "samples", "demo", "cassette.json"),
        });
        var registration = builder.Services.AddFactoryPipeline(builder.Configuration);
        registration
            .UseStage(StageName.Plan, _ => new DelegateStage((_, _) => ValueTask.FromResult(StageResult.Success(InMemoryStages.HealthSpec))))
            .UseStage(StageName.Scout, _ => new DelegateStage((_, _) => ValueTask.FromResult(StageResult.Success(InMemoryStages.HealthBrief))))
            .UseStage(StageName.Build, _ => new DelegateStage((_, _) => ValueTask.FromResult(StageResult.Success())))
            .UseStage(StageName.Validate, _ => new DelegateStage((_, _) => ValueTask.FromResult(StageResult.Success())))
            .UseStage(StageName.Test, _ => new DelegateStage((_, _) => ValueTask.FromResult(StageResult.Success())))
            .UseStage(StageName.Review, _ => new DelegateStage((_, _) => ValueTask.FromResult(InMemoryStages.Approve())));

        builder.Services.AddFactoryQueueWorker(builder.Configuration);
        builder.Services.AddFactoryNatsQueue();
        using var host = builder.Build();

        await host.StartAsync();
        await QueueHarness.PublishAsync(options, remote, ["hosted-one"]);
        await QueueHarness.EventuallyAsync(() => Task.FromResult(remote.Refs().ContainsKey(GitOutcomeStore.OutcomeRefPrefix + "hosted-one")), 60, "the outcome");
        await host.StopAsync();

        var record = OutcomeRecord.Decode(remote.Git("show", GitOutcomeStore.OutcomeRefPrefix + "hosted-one:outcome.json"));
        Assert.Equal(("approved", "hosted"), (record.Status, record.Worker));
        Assert.Equal(remote.Base, remote.Git("rev-parse", "factory/hosted-one^").Trim());
    }

    [Fact]
    public async Task A_host_without_a_queue_address_does_not_start_and_names_the_key()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Factory:Queue:Remote"] = "/srv/git/app.git", ["Factory:Queue:Slots"] = "0" });
        builder.Services.AddFactoryPipeline(builder.Configuration);
        builder.Services.AddFactoryQueueWorker(builder.Configuration);
        builder.Services.AddFactoryNatsQueue();
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(failure.Failures, f => f.StartsWith("Factory:Queue:Url is required", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.StartsWith("Factory:Queue:Slots must be at least 1", StringComparison.Ordinal));
    }
}
