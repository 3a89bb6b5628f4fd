using System.Threading.Channels;
using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Chat.Cassettes;
using Factory.Dataflow.Composition;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Hosting.Worker;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;
using Factory.Samples.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Factory.Samples.Backlog;

/// <summary>
/// Sample 2: a generic host runs <see cref="FactoryWorker"/>; the app writes a backlog of requests to a channel and
/// reads their outcomes from another. Completing the request channel lets the worker drain and finish.
/// </summary>
public static class BacklogSample
{
    /// <summary>Runs two requests through the worker and returns their outcomes in the order they ended.</summary>
    public static async Task<IReadOnlyList<FeatureOutcome>> RunAsync(TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var repo = SampleRepository.Create();
        await output.WriteLineAsync($"Model replies are replayed from {Path.GetFileName(SampleFiles.CassettePath)}; the gates run for real.");

        var requests = Channel.CreateUnbounded<FeatureRequest>();
        var outcomes = Channel.CreateUnbounded<FeatureOutcome>();
        var models = new ModelOptions();
        using var chats = new StageChatFactory(models, new ReplayChatClient(SampleFiles.CassettePath));

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddFactoryWorker(
            _ => new FactoryPipelineBuilder()
                .UseStandardStages(chats, models, new SandboxedRunner(new SandboxOptions()), new GateOptions { MypyCacheDirectory = Path.Combine(repo.State, "mypy") })
                .UseWorkspace(new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = repo.Checkout, StateDirectory = repo.State }))
                .Configure(o => o.RunsDirectory = repo.Runs)
                .Build(),
            requests.Reader,
            outcomes.Writer);
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);

        // The backlog: in a real app, whatever produces work (a queue, an API) writes here for as long as it runs.
        foreach (var text in new[] { SampleFiles.HealthRequest, SampleFiles.VersionRequest })
        {
            await requests.Writer.WriteAsync(FeatureRequest.FromText(text), cancellationToken);
        }

        requests.Writer.Complete();
        var ended = new List<FeatureOutcome>();
        await foreach (var outcome in outcomes.Reader.ReadAllAsync(cancellationToken))
        {
            ended.Add(outcome);
            await output.WriteLineAsync($"{outcome.Request.Id}: {outcome.StatusName} after {outcome.Seconds:0.0} s; branch {outcome.Branch ?? "(none)"}");
        }

        await host.StopAsync(cancellationToken);
        await output.WriteLineAsync($"{ended.Count(o => o.IsApproved)} of {ended.Count} approved.");
        return ended;
    }
}
