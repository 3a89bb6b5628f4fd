using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Chat.Cassettes;
using Factory.Dataflow.Composition;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Tracing;
using Factory.Dataflow.Workspace;
using Factory.Samples.Support;

namespace Factory.Samples.CustomGate;

/// <summary>
/// Sample 3: the standard stages with VALIDATE replaced by <see cref="LineHygieneGate"/>, a gate that needs no Python.
/// <c>Use(StageName.Validate, ...)</c> after <c>UseStandardStages</c> replaces the built-in one; nothing is forked.
/// </summary>
public static class CustomGateSample
{
    /// <summary>Runs one request and returns its outcome; VALIDATE's trace line names the custom gate.</summary>
    public static async Task<FeatureOutcome> RunAsync(TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var repo = SampleRepository.Create();
        await output.WriteLineAsync($"Model replies are replayed from {Path.GetFileName(SampleFiles.CassettePath)}; TEST still runs pytest for real.");

        var models = new ModelOptions();
        using var chats = new StageChatFactory(models, new ReplayChatClient(SampleFiles.CassettePath));
        await using var pipeline = new FactoryPipelineBuilder()
            .UseStandardStages(chats, models, new SandboxedRunner(new SandboxOptions()), new GateOptions { MypyCacheDirectory = Path.Combine(repo.State, "mypy") })
            .Use(StageName.Validate, new LineHygieneGate(maxLineLength: 100))
            .UseWorkspace(new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = repo.Checkout, StateDirectory = repo.State }))
            .Configure(o => o.RunsDirectory = repo.Runs)
            .Build();
        var outcome = await pipeline.RunAsync(FeatureRequest.FromText(SampleFiles.HealthRequest), cancellationToken);

        var validate = TraceReader.ReadRun(outcome.RunDirectory!).Attempts.First(a => a.Stage == "validate");
        var gate = validate.Raw.TryGetProperty("gate", out var name) ? name.GetString() : "(built-in)";
        await output.WriteLineAsync($"VALIDATE was judged by: {gate}, eval_ok={validate.EvalOk}, {validate.Ms} ms");
        await output.WriteLineAsync($"{outcome.Request.Id}: {outcome.StatusName}; branch {outcome.Branch ?? "(none)"}");
        return outcome;
    }
}
