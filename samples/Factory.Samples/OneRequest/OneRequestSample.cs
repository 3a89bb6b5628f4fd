using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Chat.Cassettes;
using Factory.Dataflow.Composition;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;
using Factory.Samples.Support;

namespace Factory.Samples.OneRequest;

/// <summary>Sample 1: one request through the standard stages and the real gates, in ten lines.</summary>
public static class OneRequestSample
{
    /// <summary>Runs the request on a temporary copy of samples/targetapp and returns its outcome.</summary>
    public static async Task<FeatureOutcome> RunAsync(TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var repo = SampleRepository.Create();
        await output.WriteLineAsync($"Model replies are replayed from {Path.GetFileName(SampleFiles.CassettePath)} (no model server is called); the gates run for real.");

        // The ten lines: models (replayed here; StageChatFactory.ForOllama in production), stages, workspace, run.
        var models = new ModelOptions();
        using var chats = new StageChatFactory(models, new ReplayChatClient(SampleFiles.CassettePath));
        await using var pipeline = new FactoryPipelineBuilder()
            .UseStandardStages(chats, models, new SandboxedRunner(new SandboxOptions()), new GateOptions { MypyCacheDirectory = Path.Combine(repo.State, "mypy") })
            .UseWorkspace(new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = repo.Checkout, StateDirectory = repo.State }))
            .Configure(o => o.RunsDirectory = repo.Runs)
            .Build();
        var outcome = await pipeline.RunAsync(FeatureRequest.FromText(SampleFiles.HealthRequest), cancellationToken);
        await output.WriteLineAsync($"{outcome.Request.Id}: {outcome.StatusName} after {outcome.BuildAttempts} BUILD attempt(s) in {outcome.Seconds:0.0} s; branch {outcome.Branch ?? "(none)"}");

        await output.WriteLineAsync(outcome.IsApproved ? outcome.Diff : $"Reason: {outcome.Reason}");
        return outcome;
    }
}
