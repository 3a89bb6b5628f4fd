using Factory.Dataflow;
using Factory.Dataflow.Gates;
using Factory.Dataflow.Sandbox;
using Factory.Dataflow.Toolchains.Python.Gates;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support;

namespace Factory.Tests.Gates;

/// <summary>A sample repository, one request's workspace on it, and the gates wired to a sandboxed runner.</summary>
public sealed class GateFixture : IAsyncDisposable
{
    public const string HealthRoute = SampleChange.HealthRoute;

    public const string HealthTest = SampleChange.HealthTest;

    private GateFixture(SampleRepo repo, IFeatureWorkspace workspace, GateOptions options, string before)
    {
        Repo = repo;
        Workspace = workspace;
        Options = options;
        CheckoutBefore = before;
        Runner = new SandboxedRunner(new SandboxOptions());
    }

    public SampleRepo Repo { get; }

    public IFeatureWorkspace Workspace { get; }

    public GateOptions Options { get; }

    public SandboxedRunner Runner { get; }

    /// <summary>The checkout's snapshot before anything ran: it must be the same after every run.</summary>
    public string CheckoutBefore { get; }

    /// <summary>The sample app, changed by <paramref name="baseFiles"/> (path, content; null deletes) in a second commit: the base commit.</summary>
    public static async Task<GateFixture> CreateAsync(TimeSpan? testTimeout = null, IReadOnlyDictionary<string, string?>? baseFiles = null)
    {
        var repo = SampleRepo.Create();
        if (baseFiles is not null)
        {
            foreach (var (path, content) in baseFiles)
            {
                var full = Path.Combine(repo.CheckoutPath, path);
                if (content is null)
                {
                    File.Delete(full);
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllText(full, content);
            }

            repo.Git("add", "--all");
            repo.Git("commit", "--quiet", "-m", "the base commit of the test");
        }

        var before = repo.Snapshot();
        var provider = new GitWorkspaceProvider(new GitWorkspaceOptions { RepositoryPath = repo.CheckoutPath, StateDirectory = repo.StatePath });
        var workspace = await provider.CreateAsync(new FeatureRequest("gates", "add a health endpoint"), null, CancellationToken.None);
        var options = new GateOptions
        {
            MypyCacheDirectory = Path.Combine(repo.StatePath, "mypy"),
            TestTimeout = testTimeout ?? TimeSpan.FromSeconds(300),
        };
        return new GateFixture(repo, workspace, options, before);
    }

    public async Task BuildAsync(params FileEdit[] edits)
    {
        var report = await Workspace.WriteAsync(edits, WriterRole.Build, CancellationToken.None);
        Assert.True(report.Accepted, report.Rejection);
    }

    public ValueTask<StageResult> ValidateAsync() =>
        new ValidateStage(Runner, Options).ExecuteAsync(TestContexts.For(Workspace, StageName.Validate), CancellationToken.None);

    public ValueTask<StageResult> TestAsync(params FileEdit[] newTests) => TestAsync(new FixedTestWriter(newTests));

    public ValueTask<StageResult> TestAsync(ITestWriter writer) => TestAsync(writer, TestContexts.For(Workspace, StageName.Test));

    /// <summary>One TEST attempt, with the trace fields it set (<c>pytest_runs</c>, <c>base_check</c>, <c>selected_tests</c>...).</summary>
    public async Task<(StageResult Result, IReadOnlyDictionary<string, object?> Usage)> TestTracedAsync(ITestWriter writer)
    {
        var context = TestContexts.For(Workspace, StageName.Test);
        var result = await TestAsync(writer, context);
        return (result, context.Usage.Extras);
    }

    private ValueTask<StageResult> TestAsync(ITestWriter writer, StageContext context) =>
        new TestStage(writer, Runner, Options).ExecuteAsync(context, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Workspace.DisposeAsync();
        Assert.Equal(CheckoutBefore, Repo.Snapshot());
        Repo.Dispose();
    }
}
