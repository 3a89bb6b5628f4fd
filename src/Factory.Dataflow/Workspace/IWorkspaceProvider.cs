namespace Factory.Dataflow.Workspace;

/// <summary>Creates one isolated workspace per request (in production, a git worktree on its own branch).</summary>
public interface IWorkspaceProvider
{
    /// <summary>Creates the request's workspace. Called once per request, before SCOUT.</summary>
    /// <param name="request">The request; its id names the branch.</param>
    /// <param name="runDirectory">The request's run directory, or null when tracing to files is off.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    ValueTask<IFeatureWorkspace> CreateAsync(FeatureRequest request, string? runDirectory, CancellationToken cancellationToken);
}
