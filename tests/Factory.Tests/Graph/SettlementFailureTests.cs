using Factory.Dataflow;
using Factory.Dataflow.Workspace;
using Factory.Tests.Support;

namespace Factory.Tests.Graph;

/// <summary>Every request gets exactly one outcome even when git fails while its workspace is settled or released.</summary>
public sealed class SettlementFailureTests
{
    [Theory]
    [InlineData(true, "approved")]
    [InlineData(false, "rejected")]
    public async Task Git_failing_while_settling_and_releasing_ends_the_request_failed_with_gits_message(bool approve, string because)
    {
        var workspaces = new FailingWorkspaces();
        var builder = InMemoryStages.PassingBuilder().UseWorkspace(workspaces);
        if (!approve)
        {
            builder.Use(StageName.Review, (_, _) => ValueTask.FromResult(InMemoryStages.Reject("unrequested route")));
        }

        await using var pipeline = builder.Build();
        var outcomes = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => pipeline.RunAsync(InMemoryStages.Request(i)))).Within();

        Assert.All(outcomes, outcome =>
        {
            Assert.Equal(OutcomeStatus.FailedInStage, outcome.Status);
            Assert.Equal(StageName.Workspace, outcome.FailedStage);
            Assert.Contains("fatal: unable to write new index file", outcome.Reason, StringComparison.Ordinal);
            Assert.Contains("releasing the workspace failed", outcome.Reason, StringComparison.Ordinal);
            Assert.Null(outcome.Branch);
        });
        Assert.Equal(3, workspaces.Disposed);
        _ = because;
    }

    private sealed class FailingWorkspaces : IWorkspaceProvider
    {
        private int _disposed;

        public int Disposed => Volatile.Read(ref _disposed);

        public ValueTask<IFeatureWorkspace> CreateAsync(FeatureRequest request, string? runDirectory, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IFeatureWorkspace>(new FailingWorkspace(() => Interlocked.Increment(ref _disposed)));
    }

    /// <summary>A workspace whose git fails at the end, as a repository whose attributes break every 'git add' once made it.</summary>
    private sealed class FailingWorkspace(Action disposed) : IFeatureWorkspace
    {
        public string RootPath => "/nonexistent";

        public string BranchName => "factory/failing";

        public ValueTask<WriteReport> WriteAsync(IReadOnlyList<FileEdit> edits, WriterRole role, CancellationToken cancellationToken) =>
            ValueTask.FromResult(WriteReport.Written([]));

        public ValueTask<IReadOnlyList<string>> GetChangedFilesAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<string>>([]);

        public ValueTask<string> GetDiffAsync(CancellationToken cancellationToken) => ValueTask.FromResult("");

        public ValueTask<WorkspaceSettlement> SettleAsync(bool approved, string commitMessage, CancellationToken cancellationToken) =>
            throw new GitCommandException("git commit-tree failed (exit 128): fatal: unable to write new index file");

        public ValueTask DisposeAsync()
        {
            disposed();
            throw new GitCommandException("git worktree remove failed (exit 128): fatal: validation failed");
        }
    }
}
