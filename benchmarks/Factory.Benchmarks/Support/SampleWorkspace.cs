using Factory.Dataflow;
using Factory.Dataflow.Budget;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support;

namespace Factory.Benchmarks.Support;

/// <summary>A temporary git copy of the sample app with one request's worktree, the /health change already built.</summary>
internal sealed class SampleWorkspace : IAsyncDisposable
{
    private SampleWorkspace(SampleRepo repo, IFeatureWorkspace workspace, GateConfig config)
    {
        Repo = repo;
        Workspace = workspace;
        Config = config;
    }

    public SampleRepo Repo { get; }

    public IFeatureWorkspace Workspace { get; }

    public GateConfig Config { get; }

    public string Root => Workspace.RootPath;

    public SandboxedRunner Runner { get; } = new(new SandboxOptions());

    public static async Task<SampleWorkspace> CreateAsync()
    {
        var repo = SampleRepo.Create();
        var provider = new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = repo.CheckoutPath, StateDirectory = repo.StatePath });
        var workspace = await provider.CreateAsync(new FeatureRequest("bench-gates", "add a health endpoint"), null, CancellationToken.None);
        var report = await workspace.WriteAsync([new FileEdit(SampleChange.MainPath, SampleChange.HealthRoute)], WriterRole.Build, CancellationToken.None);
        if (!report.Accepted)
        {
            throw new InvalidOperationException($"The sample change was refused: {report.Rejection}");
        }

        var config = await GateConfig.LoadAsync(workspace.RootPath, CancellationToken.None);
        return new SampleWorkspace(repo, workspace, config);
    }

    /// <summary>Gate options with their own mypy cache folder under the sample's state folder.</summary>
    public GateOptions Options(string mypyCache) => new() { MypyCacheDirectory = Path.Combine(Repo.StatePath, mypyCache) };

    public StageContext Context(StageName stage) =>
        new(new FeatureRequest("bench-gates", "add a health endpoint"), stage, 1, NoOpStages.Spec, NoOpStages.Brief, Workspace, null, null, 1, new RequestBudget(), null);

    public async ValueTask DisposeAsync()
    {
        await Workspace.DisposeAsync();
        Repo.Dispose();
    }
}
