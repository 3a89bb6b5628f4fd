using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Chat.Cassettes;
using Factory.Dataflow.Composition;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;
using Factory.Samples.Support;
using Microsoft.Extensions.AI;

namespace Factory.Samples.ChatMiddleware;

/// <summary>
/// Sample 4: middleware on the stages' chat client. The same builder call works on the Ollama client:
/// <c>StageChatFactory.ForOllama(models, b =&gt; b.UseCallLog(Console.Out))</c>.
/// </summary>
public static class ChatMiddlewareSample
{
    /// <summary>Runs one request with every model call logged; returns the outcome and the number of calls.</summary>
    public static async Task<(FeatureOutcome Outcome, int Calls)> RunAsync(TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var repo = SampleRepository.Create();
        await output.WriteLineAsync($"Model replies are replayed from {Path.GetFileName(SampleFiles.CassettePath)}, through the call-log middleware:");

        CallLogChatClient? callLog = null;
        var client = new ChatClientBuilder(new ReplayChatClient(SampleFiles.CassettePath))
            .UseCallLog(output, created: c => callLog = c)
            .Build();
        var models = new ModelOptions();
        using var chats = new StageChatFactory(models, client);
        await using var pipeline = new FactoryPipelineBuilder()
            .UseStandardStages(chats, models, new SandboxedRunner(new SandboxOptions()), new GateOptions { MypyCacheDirectory = Path.Combine(repo.State, "mypy") })
            .UseWorkspace(new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = repo.Checkout, StateDirectory = repo.State }))
            .Build();
        var outcome = await pipeline.RunAsync(FeatureRequest.FromText(SampleFiles.HealthRequest), cancellationToken);

        var calls = callLog?.Calls ?? 0;
        await output.WriteLineAsync($"{outcome.Request.Id}: {outcome.StatusName} after {calls} model calls, {outcome.TokensSpent} tokens");
        return (outcome, calls);
    }
}
