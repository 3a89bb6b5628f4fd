using Factory.Dataflow;
using Factory.Dataflow.Chat;
using Factory.Dataflow.Composition;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support;

namespace Factory.Tests.EndToEnd;

/// <summary>The standard stages on real gates and a real git workspace over a sample repository, traced to its runs folder.</summary>
internal static class RealPipeline
{
    public static FactoryPipeline Build(StageChatFactory chats, ModelOptions models, SampleRepo repo) =>
        new FactoryPipelineBuilder()
            .UseStandardStages(chats, models, new SandboxedRunner(new SandboxOptions()), new GateOptions { MypyCacheDirectory = Path.Combine(repo.StatePath, "mypy") })
            .UseWorkspace(new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = repo.CheckoutPath, StateDirectory = repo.StatePath }))
            .Configure(o => o.RunsDirectory = repo.RunsPath)
            .Build();
}
