using System.Threading.Channels;
using Factory.Dataflow;
using Factory.Dataflow.Hosting.Worker;
using Factory.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Factory.Tests.Hosting.Worker;

public sealed class FactoryWorkerShutdownTests
{
    [Fact]
    public async Task Stopping_with_requests_in_flight_gives_each_taken_request_one_outcome_and_leaves_nothing_running()
    {
        var running = 0;
        var buildStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Channel.CreateUnbounded<FeatureRequest>();
        var outcomes = Channel.CreateUnbounded<FeatureOutcome>();

        // One request at a time per block and one in the build loop: r1 hangs in BUILD, r2 waits for the loop, r3 and r4
        // fill SCOUT and PLAN, so r5 waits for room in PLAN and r6..r8 stay in the channel.
        var reader = new CountingReader<FeatureRequest>(requests.Reader, signalAt: 5);
        using var host = BuildHost(
            TimeSpan.FromSeconds(1),
            builder => builder
                .Configure(o =>
                {
                    o.MaxRequestsInBuildLoop = 1;
                    foreach (var stage in new[] { o.Plan, o.Scout, o.Build })
                    {
                        stage.MaxDegreeOfParallelism = 1;
                        stage.BoundedCapacity = 1;
                    }
                })
                .Use(StageName.Build, async (_, ct) =>
                {
                    Interlocked.Increment(ref running);
                    try
                    {
                        buildStarted.TrySetResult();
                        await Task.Delay(Timeout.Infinite, ct);
                        return StageResult.Success();
                    }
                    finally
                    {
                        Interlocked.Decrement(ref running);
                    }
                }),
            reader,
            outcomes.Writer);
        await host.StartAsync();
        for (var i = 1; i <= 8; i++)
        {
            await requests.Writer.WriteAsync(InMemoryStages.Request(i));
        }

        await Task.WhenAll(buildStarted.Task, reader.Reached).Within();
        await host.StopAsync().Within();

        var ended = await ReadAllAsync(outcomes.Reader);
        Assert.Equal(5, reader.Taken);
        Assert.Equal(3, requests.Reader.Count);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => InMemoryStages.Request(i).Id), ended.Select(o => o.Request.Id).Order(StringComparer.Ordinal));
        Assert.All(ended, o => Assert.Equal(OutcomeStatus.Cancelled, o.Status));
        Assert.Equal("Cancelled before it started: the worker was stopping.", Assert.Single(ended, o => o.Request.Id == InMemoryStages.Request(5).Id).Reason);
        Assert.Equal("Cancelled during BUILD.", Assert.Single(ended, o => o.Request.Id == InMemoryStages.Request(1).Id).Reason);
        Assert.Equal(0, Volatile.Read(ref running));
        Assert.Equal(0, Worker(host).InFlight);
        Assert.True(host.Services.GetRequiredService<FactoryPipeline>().Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Stopping_lets_a_request_in_flight_finish_within_the_shutdown_timeout_and_starts_no_new_one()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var buildStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Channel.CreateUnbounded<FeatureRequest>();
        var outcomes = Channel.CreateUnbounded<FeatureOutcome>();
        var reader = new CountingReader<FeatureRequest>(requests.Reader, signalAt: 1);
        using var host = BuildHost(
            TimeSpan.FromMinutes(5),
            builder => builder.Use(StageName.Build, async (_, ct) =>
            {
                buildStarted.TrySetResult();
                await release.Task.WaitAsync(ct);
                return StageResult.Success();
            }),
            reader,
            outcomes.Writer);

        // BUILD finishes only once the host is stopping: the request is in flight across the stop.
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => release.TrySetResult());
        await host.StartAsync();
        await requests.Writer.WriteAsync(InMemoryStages.Request(1));
        await buildStarted.Task.Within();
        await host.StopAsync().Within();

        // Written after the stop began: never taken.
        await requests.Writer.WriteAsync(InMemoryStages.Request(2));
        var outcome = Assert.Single(await ReadAllAsync(outcomes.Reader));
        Assert.Equal(OutcomeStatus.Approved, outcome.Status);
        Assert.Equal(1, reader.Taken);
        Assert.Equal(1, requests.Reader.Count);
    }

    [Fact]
    public async Task When_the_request_channel_completes_the_worker_drains_it_and_completes_the_outcome_channel()
    {
        var requests = Channel.CreateUnbounded<FeatureRequest>();
        var outcomes = Channel.CreateUnbounded<FeatureOutcome>();
        using var host = BuildHost(TimeSpan.FromSeconds(30), builder => builder, requests.Reader, outcomes.Writer);
        await host.StartAsync();

        for (var i = 0; i < 50; i++)
        {
            await requests.Writer.WriteAsync(InMemoryStages.Request(i));
        }

        requests.Writer.Complete();
        var ended = await ReadAllAsync(outcomes.Reader);
        await host.StopAsync().Within();

        Assert.Equal(50, ended.Count);
        Assert.Equal(50, ended.Select(o => o.Request.Id).Distinct().Count());
        Assert.All(ended, o => Assert.Equal(OutcomeStatus.Approved, o.Status));
    }

    [Fact]
    public async Task A_worker_given_a_pipeline_factory_owns_that_pipeline_and_disposes_it_when_it_stops()
    {
        var requests = Channel.CreateUnbounded<FeatureRequest>();
        var outcomes = Channel.CreateUnbounded<FeatureOutcome>();
        FactoryPipeline? built = null;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddFactoryWorker(_ => built = InMemoryStages.PassingBuilder().Build(), requests.Reader, outcomes.Writer);
        using var host = builder.Build();
        await host.StartAsync();
        await requests.Writer.WriteAsync(InMemoryStages.Request(1));
        var first = await outcomes.Reader.ReadAsync().AsTask().Within();

        await host.StopAsync().Within();

        Assert.True(first.IsApproved);
        Assert.NotNull(built);
        Assert.True(built.Completion.IsCompletedSuccessfully);
        Assert.Null(host.Services.GetService<FactoryPipeline>());
        await Assert.ThrowsAsync<InvalidOperationException>(() => built.SubmitAsync(InMemoryStages.Request(2)));
    }

    internal static IHost BuildHost(
        TimeSpan shutdownTimeout,
        Func<FactoryPipelineBuilder, FactoryPipelineBuilder> configure,
        ChannelReader<FeatureRequest> requests,
        ChannelWriter<FeatureOutcome> outcomes)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout);
        builder.Services.AddSingleton(_ => configure(InMemoryStages.PassingBuilder()).Build());
        builder.Services.AddFactoryWorker(requests, outcomes);
        return builder.Build();
    }

    private static FactoryWorker Worker(IHost host) => host.Services.GetServices<IHostedService>().OfType<FactoryWorker>().Single();

    private static async Task<List<FeatureOutcome>> ReadAllAsync(ChannelReader<FeatureOutcome> reader)
    {
        var all = new List<FeatureOutcome>();
        await foreach (var outcome in reader.ReadAllAsync().WithCancellation(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token))
        {
            all.Add(outcome);
        }

        return all;
    }
}
